"""The media service killed mid-call (SIGKILL, as the OOM killer or a lost machine would): the call goes
on untouched, the live transcript simply stops (no `end` entry), and the recording is decoded after
hang-up as if there had been no stream."""
from __future__ import annotations

import os
import signal
import socket

import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import get_queue, run_burst
from hotline.redis_client import get_redis
from live import transcript_store
from sandbox import press
from tests.recordings.speech import MODEL_PATH
from tests.support.processes import start_hotline, wait_until
from transcription.models import Transcript

pytestmark = pytest.mark.slow  # a real media service process, real Vosk


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_a_media_service_killed_mid_call_loses_nothing_but_the_live_words(app, settings, simulator, api,
                                                                           media_port, live_call_audio):
    folder, spoken = live_call_audio
    service = start_hotline(app, "media", "--port", str(media_port), "--threads", "1",
                            VOSK_MODEL_PATH=str(MODEL_PATH), LIVE_MEDIA_URL=settings.live_media_url)
    try:
        wait_until(lambda: listening(media_port) or service.poll() is not None, 90)
        assert service.poll() is None, "hotline media did not start"
        api.post("/api/agents", {"name": "alice", "address": "client:alice", "skills": {"complaint": 5},
                                 "languages": ["zh-CN"], "status": "available"})
        simulator.stream_speed = 1.0  # real time: the stream is still sending when the service dies
        simulator.agent("client:alice", answer_after_rings=1, talk_seconds=spoken[-1].end + 1.0,
                        audio=str(folder / "live.wav-agent.wav"))
        call = simulator.call(inputs=[press("1"), press("3")], hangup_after=600,
                              audio=str(folder / "live.wav-caller.wav"))
        with app.app_context():
            assert simulator.run_until(lambda: [j for j in get_queue().job_ids if j.startswith("live-stream-")],
                                       limit=120)
        run_burst(app, ("default",), in_process=True)  # the stream's start
        simulator.run()
        [stream] = simulator.streams
        wait_until(lambda: stream.sent >= 100 or bool(stream.error), 60)  # two seconds of frames in
        os.killpg(service.pid, signal.SIGKILL)
        service.wait(30)
        stream.join(60)
    finally:
        if service.poll() is None:
            os.killpg(service.pid, signal.SIGKILL)
            service.wait(30)

    assert simulator.errors == [] and call.status == "completed"  # the caller never noticed
    assert 100 <= stream.sent < 2 * 480 and stream.error  # it streamed, then was cut short
    with app.app_context():
        entries = transcript_store.read_call(get_redis(), call.sid)
    assert not [e for _id, e in entries if e.get("type") == "end"]

    run_burst(app, ("default",), in_process=True)  # the recording's download
    run_burst(app, ("transcription",))
    with app.app_context():
        [transcript] = db.session().scalars(select(Transcript)).all()
    assert transcript.status == "done", transcript.failure_reason
    assert transcript.model != "live stream" and transcript.decode_seconds > 0
    assert "언론" in transcript.text  # the whole call, from the recording
