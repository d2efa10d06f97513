"""The recordings sweep: a download the database says is due is enqueued again; nothing stays
`pending` forever."""
import dataclasses
import time

from sqlalchemy import select

from hotline import create_app, db
from hotline.jobs import get_queue, run_burst
from recordings.models import Recording
from recordings.sweeper import NO_CALLBACK_AFTER, sweep_recordings
from tests.conftest import TwilioRequests
from tests.recordings.test_callbacks import SID, callback


def row(app):
    with app.app_context():
        return db.session().scalars(select(Recording).where(Recording.sid == SID)).one()


def test_a_recording_whose_completed_callback_never_came_is_fetched_by_sid_then_settled(
        app, twilio, media, call_audio, clock):
    callback(twilio, media, status="in-progress", RecordingDuration="")
    with app.app_context():
        sweep_recordings()
        assert get_queue("default").count == 0  # the call may still be recording
    clock.advance(NO_CALLBACK_AFTER.total_seconds() + 60)
    with app.app_context():
        sweep_recordings()
    run_burst(app, ("default",))
    recording = row(app)  # Twilio has no such recording: failed with the reason, not pending forever
    assert recording.status == "failed" and "HTTP 404" in recording.failure_reason


def test_a_callback_is_acknowledged_once_its_row_is_committed_even_if_redis_refuses_the_job(
        app, settings, clock, media, call_audio):
    media.put(SID, call_audio[0].read_bytes())
    down = create_app(dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0"), clock=clock)
    started = time.monotonic()
    response = callback(TwilioRequests(down.test_client(), settings), media)
    assert response.status_code == 204, response.get_data(as_text=True)
    assert row(app).status == "pending" and time.monotonic() - started < 10
    with app.app_context():  # Redis is back: the sweep enqueues what the database says is due
        sweep_recordings()
    run_burst(app, ("default",))
    assert row(app).status == "stored"


def test_a_retry_overdue_in_rqs_schedule_is_run_by_the_sweep(app, twilio, media, call_audio, clock):
    media.put(SID, call_audio[0].read_bytes())
    media.fail(SID, 503)
    callback(twilio, media)
    run_burst(app, ("default",))
    with app.app_context():
        queue = get_queue("default")
        assert len(queue.scheduled_job_registry.get_job_ids()) == 1
        clock.advance(30)  # due 5 s after the failure; RQ's scheduler is not running
        assert sweep_recordings()["enqueued"] == 0  # a scheduled retry is a job on its way...
        clock.advance(60)
        assert sweep_recordings()["enqueued"] == 0  # ...but once overdue it is moved to its queue
        assert queue.count == 1 and queue.scheduled_job_registry.get_job_ids() == []
    run_burst(app, ("default",))
    assert row(app).status == "stored" and row(app).download_attempts == 2
