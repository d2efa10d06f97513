"""RecordingAudio (hotline.contracts), recordings' answer to transcription: which recordings are
stored, their bytes, the QA page's audio, and the sweep's one statement over both areas' tables."""
from __future__ import annotations

import pytest
from sqlalchemy import exists

from hotline import db
from hotline.api.errors import ApiError
from hotline.contracts import AudioUnreadable, RecordingAudio, RecordingFile, need
from recordings.models import Recording
from tests.conftest import StatementCount
from tests.support.factories import store_recording
from transcription.models import Transcript
from transcription.sweeper import sweep_transcriptions

CALL = "CA" + "3" * 32
WAV = b"RIFF" + b"\0" * 60


def _transcript(session, recording_id: int, status: str) -> None:
    session.add(Transcript(recording_id=recording_id, call_sid=CALL, language="zh-CN", status=status, turns=[],
                           text="", redactions=[], categories="", flags=""))


def test_a_stored_recording_and_its_bytes(app):
    recording_id = store_recording(app, WAV, CALL, sid="RE" + "1" * 32)
    with app.app_context():
        audio = need(RecordingAudio)
        found = audio.recording(db.session(), recording_id)
        assert isinstance(found, RecordingFile) and found.id == recording_id
        assert (found.sid, found.call_sid, found.status) == ("RE" + "1" * 32, CALL, "stored")
        assert audio.audio(found) == WAV
        assert audio.recording(db.session(), recording_id + 1000) is None
        assert audio.recording_of_call(db.session(), CALL) == found
        assert audio.recording_of_call(db.session(), "CA" + "4" * 32) is None


def test_audio_that_cannot_be_read_says_why(app, settings, tmp_path):
    recording_id = store_recording(app, WAV, CALL, sid="RE" + "1" * 32)
    outside = tmp_path / "outside.wav"
    outside.write_bytes(WAV)
    with app.app_context():
        session = db.session()
        audio = need(RecordingAudio)
        row = session.get(Recording, recording_id)
        (settings.recordings_dir / row.path).unlink()
        with pytest.raises(AudioUnreadable, match="missing from RECORDINGS_DIR"):
            audio.audio(audio.recording(session, recording_id))
        row.path = "../" * 12 + str(outside).lstrip("/")
        session.commit()
        with pytest.raises(AudioUnreadable, match="outside RECORDINGS_DIR"):
            audio.audio(audio.recording(session, recording_id))


def test_the_audio_response_refuses_what_it_cannot_serve(app):
    with app.test_request_context():
        with pytest.raises(ApiError) as refused:
            need(RecordingAudio).audio_response("CA" + "4" * 32)
        assert refused.value.status == 404


def test_stored_ids_leave_out_what_the_asker_s_clause_names(app):
    """The asker hands a clause over the recording id column (a NOT EXISTS on its own table) and
    never names the recordings table; pending recordings are never listed."""
    done = store_recording(app, WAV, CALL, sid="RE" + "1" * 32)
    queued = store_recording(app, WAV, CALL, sid="RE" + "2" * 32)
    untouched = store_recording(app, WAV, CALL, sid="RE" + "3" * 32)
    with app.app_context():
        session = db.session()
        session.add(Recording(sid="RE" + "4" * 32, call_sid=CALL, status="pending"))
        _transcript(session, done, "done")
        _transcript(session, queued, "queued")
        session.commit()
        audio = need(RecordingAudio)
        assert session.scalars(audio.stored_recording_ids()).all() == [done, queued, untouched]
        settled = lambda recording_id: exists().where(Transcript.recording_id == recording_id,  # noqa: E731
                                                      Transcript.status == "done")
        assert session.scalars(audio.stored_recording_ids(unless=settled)).all() == [queued, untouched]


def test_the_transcription_sweep_finds_its_due_recordings_in_one_statement(app):
    """No transcript, or a queued one whose job is gone: enqueued again; done and failed ones are not."""
    ids = [store_recording(app, WAV, CALL, sid=f"RE{digit * 32}") for digit in "1234"]
    with app.app_context():
        session = db.session()
        _transcript(session, ids[0], "done")
        _transcript(session, ids[1], "failed")
        _transcript(session, ids[2], "queued")
        session.commit()
        with StatementCount() as counted:
            result = sweep_transcriptions()
        assert result == {"transcriptions_due": 2, "enqueued": 2}
        assert counted.statements == 1
