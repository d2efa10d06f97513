import dataclasses
import hashlib
import logging
import wave
from datetime import timedelta

from sqlalchemy import select

from hotline import create_app, db
from hotline.jobs import get_queue, run_burst
from recordings.models import Recording
from recordings.retention import purge_expired_recordings
from tests.recordings.test_callbacks import CALL, SID, callback


def stored(app):
    with app.app_context():
        return db.session().scalars(select(Recording).where(Recording.sid == SID)).one()


def test_completed_recording_is_downloaded_verified_and_handed_to_transcription(app, twilio, media, call_audio,
                                                                                settings):
    data = call_audio[0].read_bytes()
    media.put(SID, data)
    callback(twilio, media)
    run_burst(app, ("default",))
    row = stored(app)
    assert row.status == "stored", row.failure_reason
    assert row.path == f"2026/11/24/{SID}.wav"
    path = settings.recordings_dir / row.path
    assert path.read_bytes() == data
    assert row.size_bytes == len(data) and row.sha256 == hashlib.sha256(data).hexdigest()
    with wave.open(str(path)) as wav:
        assert (row.channels, row.sample_rate) == (2, 8000) == (wav.getnchannels(), wav.getframerate())
        assert abs(row.audio_seconds - wav.getnframes() / 8000) < 0.01
    assert not list(path.parent.glob(".partial-*"))  # the temporary file was renamed, not left behind
    assert ("GET", f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Recordings/{SID}.wav") in media.requests
    assert media.holds(SID)  # DELETE_TWILIO_RECORDINGS is off by default
    with app.app_context():
        jobs = get_queue("transcription").get_jobs()
    assert [j.args for j in jobs] == [(row.id,)]


def test_twilio_copy_is_deleted_once_ours_is_verified(app, settings, clock, call_audio):
    app = create_app(dataclasses.replace(settings, delete_twilio_recordings=True), clock=clock)
    from sandbox.rest.server import ensure_sandbox
    from tests.recordings.sandbox_media import SandboxMedia

    media = SandboxMedia(ensure_sandbox(settings, app), settings.twilio_account_sid)
    media.put(SID, call_audio[0].read_bytes())
    from tests.conftest import TwilioRequests

    callback(TwilioRequests(app.test_client(), settings), media)
    run_burst(app, ("default",))
    row = stored(app)
    assert row.status == "stored" and row.deleted_at_twilio is not None
    assert not media.holds(SID) and media.sandbox.deleted_recordings == [SID]


def test_a_failing_download_is_retried_with_backoff(app, twilio, media, call_audio, clock):
    media.put(SID, call_audio[0].read_bytes())
    media.fail(SID, 503)
    callback(twilio, media)
    run_burst(app, ("default",))
    row = stored(app)
    assert row.status == "pending" and row.download_attempts == 1
    assert (row.download_due_at - clock.now()).total_seconds() == 5 and "HTTP 503" in row.failure_reason
    with app.app_context():
        [job_id] = get_queue("default").scheduled_job_registry.get_job_ids()
        assert get_queue("default").fetch_job(job_id).retries_left == 4
        # Too early: the database says the next attempt is 5 s away, so a job now does nothing.
        get_queue("default").enqueue_job(get_queue("default").fetch_job(job_id))
    run_burst(app, ("default",))
    assert stored(app).download_attempts == 1
    # The scheduler moves it back after the backoff; do it now, on the app's clock too.
    clock.advance(5)
    with app.app_context():
        get_queue("default").enqueue_job(get_queue("default").fetch_job(job_id))
    run_burst(app, ("default",))
    row = stored(app)
    assert row.status == "stored" and row.download_attempts == 2


def test_a_missing_recording_fails_at_once_with_the_reason(app, twilio, media):
    callback(twilio, media)  # the sandbox has no such recording: 404
    run_burst(app, ("default",))
    row = stored(app)
    assert row.status == "failed" and "HTTP 404" in row.failure_reason and row.download_attempts == 1


def test_a_body_that_is_not_wav_is_refused(app, twilio, media):
    media.put(SID, b"<html>error page</html>" * 10)
    callback(twilio, media)
    run_burst(app, ("default",))
    row = stored(app)
    assert row.status == "failed" and "not a WAV file" in row.failure_reason


def test_retention_purges_old_audio_and_logs_it(app, twilio, media, call_audio, clock, settings, caplog):
    media.put(SID, call_audio[0].read_bytes())
    callback(twilio, media)
    run_burst(app, ("default",))
    path = settings.recordings_dir / stored(app).path
    with app.app_context():
        assert purge_expired_recordings() == []
        clock.advance(timedelta(days=settings.recordings_retention_days + 1).total_seconds())
        with caplog.at_level(logging.INFO, logger="recordings.retention"):
            assert purge_expired_recordings() == [SID]
    assert not path.exists()
    row = stored(app)
    assert row.status == "purged" and row.purged_at is not None and row.path is None
    assert any(SID in r.getMessage() and CALL in r.getMessage() for r in caplog.records)
