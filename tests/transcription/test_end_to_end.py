"""A complaint call through the real IVR and routing ends recorded, transcribed by speaker, scored,
queued for review and shown on its ticket.

The caller dials the hotline's number (/voice/incoming), chooses Chinese and then complaints; routing
offers the call to an agent made through the API and dials them with a dual-channel recording; both
sides speak (Korean clips from espeak-ng, which the test's Vosk model understands); RQ workers
download the recording and transcribe it with Vosk.
"""
import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import run_burst
from sandbox import press
from recordings.models import Recording
from transcription.models import Transcript

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "the agent's audio ends the call by hanging up (in conference mode that returns the caller to the "
    "line); the caller's dual-channel leg in conference mode: tests/routing/test_conference_calls.py")


pytestmark = pytest.mark.slow  # real Vosk


@DIRECT_DIAL
def test_a_complaint_call_ends_in_the_review_queue_and_on_its_ticket(app, simulator, api, call_audio):
    agent = api.post("/api/agents", {"name": "alice", "address": "client:alice", "skills": {"complaint": 5},
                                     "languages": ["zh-CN"], "status": "available"})
    assert agent.status_code == 201, agent.get_json()
    folder = call_audio[0].parent
    talk = call_audio[1][-1].end + 1.0
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=talk, audio=str(folder / "call.wav-agent.wav"))
    call = simulator.call(from_="+8613800138000", inputs=[press("1"), press("3")], hangup_after=600,
                          audio=str(folder / "call.wav-caller.wav"))
    simulator.run()
    assert simulator.errors == [], simulator.timeline_text()
    assert call.status == "completed", call.timeline_text()
    [agent_leg] = [leg for leg in simulator.calls if leg.to == "client:alice"]
    assert agent_leg.status == "completed" and agent_leg.parent is not None
    assert "/voice/incoming" in call.urls[0] and any("/voice/route" in url for url in call.urls)
    assert len(call.recordings) == 1 and call.recordings[0].channels == 2

    run_burst(app, ("default",))         # download from the sandbox, then recording_completed
    run_burst(app, ("transcription",))   # Vosk, redaction, QA analysis, queue decision

    with app.app_context():
        recording = db.session().scalars(select(Recording)).one()
        assert recording.status == "stored" and recording.sid == call.recordings[0].sid
        assert recording.call_sid in (call.sid, agent_leg.sid)
        assert (recording.channels, recording.sample_rate) == (2, 8000)
        transcript = db.session().scalars(select(Transcript)).one()
        assert transcript.status == "done", transcript.failure_reason
        speakers = [t["speaker"] for t in transcript.turns]
        assert speakers[0] == "agent" and "caller" in speakers   # the agent greets first
        caller_start = min(t["start"] for t in transcript.turns if t["speaker"] == "caller")
        assert 3.0 < caller_start < 4.5
        assert transcript.analysis["findings"] and transcript.review_reason is not None

    queue = api.get("/api/qa/queue", token=api.mint("qa")).get_json()["calls"]
    assert [c["call_sid"] for c in queue] == [transcript.call_sid]
    audio = api.get(f"/api/calls/{call.sid}/recording")
    assert audio.status_code == 200 and audio.data[:4] == b"RIFF"

    ticket = api.get(f"/api/calls/{call.sid}/ticket")
    assert ticket.status_code == 200, ticket.get_json()
    body = ticket.get_json()
    assert body["category"] == "complaint" and body["number"].startswith("GD")
    [filed] = [c for c in body["calls"] if c["call_sid"] == call.sid]
    [shown] = filed["recordings"]
    assert shown["sid"] == recording.sid and shown["status"] == "stored"
    assert shown["transcript"]["status"] == "done"
