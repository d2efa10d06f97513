"""A simulated call answered by an agent ends recorded, transcribed by speaker, scored and queued.

Routing lives in its own area; this test dials the agent with a test-only TwiML endpoint doing what
routing's <Dial> does for recordings: record-from-answer-dual with the recording status callback.
"""
import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import run_burst
from recordings.models import Recording
from transcription.models import Transcript
from tests.sandbox.twiml_app import TwimlApp

pytestmark = pytest.mark.slow  # real Vosk

DIAL = ('<Dial record="record-from-answer-dual" recordingStatusCallback="/recordings/status">'
        '<Client>alice</Client></Dial>')


def test_a_simulated_call_ends_in_the_review_queue(app, simulator, api, call_audio):
    TwimlApp(app, {"/dial": DIAL})
    folder = call_audio[0].parent
    talk = call_audio[1][-1].end + 1.0
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=talk, audio=str(folder / "call.wav-agent.wav"))
    call = simulator.call(from_="+8613800138000", to="+861095555", url="/twiml/dial",
                          audio=str(folder / "call.wav-caller.wav"))
    simulator.run()
    assert simulator.errors == []
    assert call.status == "completed" and len(call.recordings) == 1

    run_burst(app, ("default",))         # download from the sandbox, then recording_completed
    run_burst(app, ("transcription",))   # Vosk, redaction, QA analysis, queue decision

    with app.app_context():
        recording = db.session().scalars(select(Recording)).one()
        assert recording.status == "stored" and recording.call_sid == call.sid
        assert (recording.channels, recording.sample_rate) == (2, 8000)
        transcript = db.session().scalars(select(Transcript)).one()
        assert transcript.status == "done", transcript.failure_reason
        speakers = [t["speaker"] for t in transcript.turns]
        assert speakers[0] == "agent" and "caller" in speakers   # the agent greets first
        caller_start = min(t["start"] for t in transcript.turns if t["speaker"] == "caller")
        assert 3.0 < caller_start < 4.5
        assert transcript.analysis["findings"] and transcript.review_reason is not None
    queue = api.get("/api/qa/queue", token=api.mint("qa")).get_json()["calls"]
    assert [c["call_sid"] for c in queue] == [call.sid]
    audio = api.get(f"/api/calls/{call.sid}/recording")
    assert audio.status_code == 200 and audio.data[:4] == b"RIFF"
