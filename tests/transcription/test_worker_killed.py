"""A transcription whose worker is killed from outside (chaos, a supervisor's restart, the OOM
killer) is tried again until it finishes; only a decoder that crashes by itself on the input, twice,
fails it (tests/transcription/test_bad_input.py)."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest
from rq import Retry
from sqlalchemy import select

from hotline import db
from hotline.jobs import enqueue, get_queue, job_status, run_burst
from hotline.redis_client import get_redis
from transcription.scheduling import transcription_job_id
from transcription.models import Transcript
from transcription.sweeper import sweep_transcriptions
from tests.hotline.test_processes import ROOT, wait_for_file, worker_env
from tests.recordings.speech import MODEL_PATH
from tests.support.factories import store_recording
from tests.transcription.crashing import transcribe_then_be_killed


def _transcript(app) -> Transcript:
    with app.app_context():
        return db.session().scalars(select(Transcript)).one()


def _heartbeat_lapses(app, job_id: str) -> None:
    """What 70 s without the killed worker's heartbeat does: its job leaves the started registry,
    and the next look at it (`job_status`) finds it abandoned."""
    from rq.registry import StartedJobRegistry

    with app.app_context():
        registry = StartedJobRegistry("transcription", connection=get_redis())
        get_redis().zadd(registry.key, {entry: time.time() - 1 for entry in get_redis().zrange(registry.key, 0, -1)})
        job_status(job_id, late=True)  # a retry RQ scheduled runs now


@pytest.mark.slow  # real workers, real Vosk for the last decode
def test_a_worker_killed_twice_in_the_middle_of_a_decode_does_not_fail_the_transcript(app, settings, tmp_path,
                                                                                    call_audio):
    recording_id = store_recording(app, call_audio[0].read_bytes())
    job_id = transcription_job_id(recording_id)
    started = tmp_path / "decoding.pid"
    with app.app_context():  # as schedule_transcription enqueues it, with a decode that hangs
        enqueue("tests.transcription.crashing.transcribe_until_killed", recording_id, str(started),
                queue="transcription", job_id=job_id, retry=Retry(max=1, interval=5))
    for kill in range(2):  # the first run, then its RQ retry
        started.unlink(missing_ok=True)
        worker = subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker", "-q", "transcription"], cwd=ROOT,
                                  env=worker_env(settings, tmp_path, VOSK_MODEL_PATH=str(MODEL_PATH)))
        try:
            wait_for_file(started, worker, timeout=120)
            worker.kill()  # SIGKILL of the worker: its decoding child dies with it
            worker.wait()
        finally:
            worker.kill()
        _heartbeat_lapses(app, job_id)
        transcript = _transcript(app)
        assert transcript.attempts == kill + 1 and transcript.decoder_crashes == 0
        assert transcript.status == "running"  # not `failed`: nothing was wrong with the input
    with app.app_context():  # RQ retries an abandoned job again; the sweep would enqueue it otherwise
        assert job_status(job_id) == "queued"
        assert sweep_transcriptions()["enqueued"] == 0  # never doubled
    run_burst(app, ("transcription",))  # no hang this time
    transcript = _transcript(app)
    assert transcript.status == "done" and transcript.text and transcript.attempts == 3
    assert transcript.failure_reason is None


@pytest.mark.slow  # real Vosk for the retry
def test_a_decoding_child_killed_alone_is_tried_again_not_counted_as_a_crash(app, call_audio):
    recording_id = store_recording(app, call_audio[0].read_bytes())
    with app.app_context():
        enqueue(transcribe_then_be_killed, recording_id, queue="transcription",
                job_id=transcription_job_id(recording_id))
    run_burst(app, ("transcription",))
    transcript = _transcript(app)
    assert transcript.status == "running" and transcript.decoder_crashes == 0
    with app.app_context():
        assert sweep_transcriptions()["enqueued"] == 1  # its job failed: nobody decodes it
    run_burst(app, ("transcription",))
    transcript = _transcript(app)
    assert transcript.status == "done" and transcript.decoder_crashes == 0 and transcript.attempts == 2
