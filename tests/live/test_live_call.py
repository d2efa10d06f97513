"""A simulated call streams both sides to the media service: the caller's escalation word is in the
live transcript, raises the supervisor's alert and suggests the upset-caller script."""
import pytest

from sqlalchemy import select

from hotline import db
from hotline.jobs import get_queue, run_burst
from hotline.redis_client import get_redis
from live import recognisers, transcript_store
from sandbox import press
from transcription.models import Transcript
from tests.support.processes import wait_until

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "the agent's audio ends the call by hanging up (in conference mode that returns the caller to the "
    "line)")


pytestmark = pytest.mark.slow  # real Vosk, real WebSockets


def _ended(app, sid):
    with app.app_context():
        view = transcript_store.transcript_view(transcript_store.read_call(get_redis(), sid))
    return view if view["ended"] else None


@DIRECT_DIAL
def test_a_streamed_call_is_transcribed_live_by_speaker_and_the_escalation_alerts(
        app, simulator, api, media_service, live_call_audio):
    folder, spoken = live_call_audio
    agent = api.post("/api/agents", {"name": "alice", "address": "client:alice", "skills": {"complaint": 5},
                                     "languages": ["zh-CN"], "status": "available"})
    assert agent.status_code == 201, agent.get_json()
    talk = spoken[-1].end + 1.0
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=talk, audio=str(folder / "live.wav-agent.wav"))
    call = simulator.call(inputs=[press("1"), press("3")], hangup_after=600, audio=str(folder / "live.wav-caller.wav"))
    # The answer's webhook only enqueues the stream's start: Twilio's REST round trip is a worker's.
    with app.app_context():
        queued = lambda: [j for j in get_queue().job_ids if j.startswith("live-stream-")]  # noqa: E731
        assert simulator.run_until(queued, limit=120)
    assert simulator.streams == []
    run_burst(app, ("default",), in_process=True)
    simulator.run()
    assert simulator.errors == [], simulator.timeline_text()
    [stream] = simulator.streams
    stream.join(60)
    assert stream.error == "" and stream.sent > 0, stream.error
    view = {}
    wait_until(lambda: view.update(_ended(app, call.sid) or {}) or view, 60)

    live = api.get(f"/api/calls/{call.sid}/live").get_json()
    assert live["ended"] and live["counts"]["tracks"]["caller"]["missing"] == 0
    finals = [p for p in live["phrases"] if p["final"]]
    assert {p["speaker"] for p in finals} == {"caller", "agent"}
    [said] = [p for p in finals if "언론" in p["text"]]
    assert said["speaker"] == "caller" and 3.0 < said["start"] < 5.5
    notices = {n["kind"]: n for n in live["notices"]}
    assert notices["escalation"]["suggestion"] == "upset_caller" and notices["escalation"]["phrase"] == "언론"

    alerts = api.get("/api/alerts", token=api.mint("supervisor")).get_json()["alerts"]
    assert [(a["call_sid"], a["kind"]) for a in alerts] == [(call.sid, "escalation")]
    assert recognisers.alive() == 0

    # One transcript per call: the stream covered the call, so its final phrases are the QA transcript
    # and the recording is not decoded again.
    run_burst(app, ("default",), in_process=True)  # the recording's download
    run_burst(app, ("transcription",))
    with app.app_context():
        [transcript] = db.session().scalars(select(Transcript)).all()
    assert transcript.status == "done", transcript.failure_reason
    assert transcript.model == "live stream" and transcript.decode_seconds == 0
    caller_said = " ".join(t["text"] for t in transcript.turns if t["speaker"] == "caller")
    assert "언론" in caller_said and {t["speaker"] for t in transcript.turns} == {"caller", "agent"}
    assert transcript.analysis["metrics"]["agent_talk_seconds"] > 1
