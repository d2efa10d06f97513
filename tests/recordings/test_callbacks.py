from sqlalchemy import select

from hotline import db
from hotline.jobs import get_queue
from recordings.models import Recording

SID = "RE" + "a" * 32
CALL = "CA" + "1" * 32


def callback(twilio, media, status="completed", **extra):
    params = {"AccountSid": "AC" + "0" * 32, "CallSid": CALL, "RecordingSid": SID, "RecordingStatus": status,
              "RecordingUrl": media.recording_url(SID), "RecordingDuration": "12", "RecordingChannels": "2",
              "RecordingSource": "DialVerb"}
    params.update(extra)
    return twilio.post("/recordings/status", params)


def recordings(app):
    with app.app_context():
        return db.session().scalars(select(Recording)).all()


def download_jobs(app):
    with app.app_context():
        return [j for j in get_queue("default").get_jobs() if j.func_name.endswith("fetch_recording")]


def test_duplicate_completed_callbacks_leave_one_row_and_one_download(app, twilio, media):
    for _ in range(3):
        assert callback(twilio, media).status_code == 204
    rows = recordings(app)
    assert len(rows) == 1 and rows[0].twilio_status == "completed" and rows[0].status == "pending"
    assert len(download_jobs(app)) == 1


def test_a_late_in_progress_callback_does_not_reopen_a_completed_recording(app, twilio, media):
    callback(twilio, media)
    callback(twilio, media, status="in-progress")
    [row] = recordings(app)
    assert row.twilio_status == "completed" and row.duration_seconds == 12 and row.channels == 2


def test_silent_recording_error_is_stored_and_not_downloaded(app, twilio, media):
    callback(twilio, media, status="absent", ErrorCode="16102")
    [row] = recordings(app)
    assert row.status == "failed" and row.twilio_error_code == "16102"
    assert "silent" in row.failure_reason
    assert download_jobs(app) == []


def test_too_short_recording_error_on_completed_is_not_downloaded(app, twilio, media):
    callback(twilio, media, ErrorCode="16101")
    [row] = recordings(app)
    assert row.status == "failed" and "too short" in row.failure_reason
    assert download_jobs(app) == []


def test_a_forged_callback_is_refused_and_changes_nothing(app, twilio, media):
    response = twilio.post("/recordings/status", {"CallSid": CALL, "RecordingSid": SID,
                                                  "RecordingStatus": "completed"}, signature="forged")
    assert response.status_code == 403
    assert recordings(app) == []


def test_a_callback_without_a_recording_sid_is_400(twilio):
    assert twilio.post("/recordings/status", {"CallSid": CALL, "RecordingStatus": "completed"}).status_code == 400
