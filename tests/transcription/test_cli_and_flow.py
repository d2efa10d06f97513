import re

import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import run_burst
from recordings.models import Recording
from transcription.models import Transcript
from tests.recordings.test_callbacks import CALL, SID, callback

pytestmark = pytest.mark.slow  # real Vosk


def test_hotline_transcribe_prints_the_speaker_labelled_transcript(runner, call_audio):
    result = runner.invoke(args=["transcribe", str(call_audio[0])])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    seconds = call_audio[1][-1].end + 1.0
    assert lines[0] == f"# call.wav: 2 channel(s), 8000 Hz, {seconds:.1f} s"
    turns = [re.match(r"\[(\d\d):(\d\d\.\d)-\d\d:\d\d\.\d\] (agent|caller): \S", line) for line in lines[1:]]
    assert all(turns), lines
    assert [m.group(3) for m in turns][0] == "agent" and "caller" in [m.group(3) for m in turns]


def test_hotline_transcribe_explains_a_bad_file(runner, tmp_path):
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt " + b"\0" * 40)
    result = runner.invoke(args=["transcribe", str(bad)])
    assert result.exit_code == 1 and "broken.wav:" in result.output
    result = runner.invoke(args=["transcribe", str(tmp_path / "nothing.wav")])
    assert result.exit_code == 1 and "cannot read it" in result.output


def test_a_completed_callback_ends_in_a_transcript_with_findings_and_a_queue_place(app, twilio, media, call_audio):
    """Webhook to review queue: callback, download job, recording_completed, transcription job."""
    media.put(SID, call_audio[0].read_bytes())
    callback(twilio, media)
    run_burst(app, ("default",))
    run_burst(app, ("transcription",))
    with app.app_context():
        recording = db.session().scalars(select(Recording)).one()
        transcript = db.session().scalars(select(Transcript)).one()
        assert recording.status == "stored" and transcript.recording_id == recording.id
        assert transcript.status == "done" and transcript.call_sid == CALL
        assert {t["speaker"] for t in transcript.turns} == {"agent", "caller"}
        missed = {f["kind"] for f in transcript.analysis["findings"] if f["severity"] == "missed"}
        assert "script_greeting" in missed  # Korean speech has no Chinese greeting
        assert transcript.score < 70 and transcript.review_reason == "low_score"
    from tests.conftest import ApiClient

    queue = ApiClient(app.test_client(), app.config["HOTLINE_SETTINGS"].admin_token).get("/api/qa/queue")
    assert [c["call_sid"] for c in queue.get_json()["calls"]] == [CALL]
