"""A recording callback answers 2xx only when the recording is kept in the database, which records
that its download is due (the sweeper enqueues what Redis could not take); a 503 when the write
failed, and Twilio's retry (connection overrides on the URL) finishes the work, once."""
from __future__ import annotations

from hotline.circuit_breaker import CircuitBreaker
from tests.recordings.test_callbacks import callback, download_jobs, recordings
from tests.support.processes import closed_port


def test_a_download_redis_could_not_take_is_kept_due_and_a_repeated_callback_schedules_it_once(app, twilio, media):
    from hotline.redis_client import guarded_client

    working = app.extensions["hotline.redis"]
    app.extensions["hotline.redis"] = guarded_client(f"redis://127.0.0.1:{closed_port()}/0", connect_timeout=0.25,
                                                     read_timeout=0.5, breaker=CircuitBreaker(3, 5.0))
    try:
        assert callback(twilio, media).status_code == 204  # the row is the record; the sweep enqueues it
    finally:
        app.extensions["hotline.redis"] = working
    [row] = recordings(app)
    assert row.twilio_status == "completed" and row.status == "pending"  # kept in the database
    assert download_jobs(app) == []
    for _ in range(2):  # a repeated callback, twice
        assert callback(twilio, media).status_code == 204
    assert len(download_jobs(app)) == 1


def test_a_recording_callback_whose_write_failed_answers_503(app, twilio, media, table_gone):
    with table_gone("recordings"):
        assert callback(twilio, media).status_code == 503
    assert recordings(app) == []
    assert callback(twilio, media).status_code == 204
    assert len(recordings(app)) == 1 and len(download_jobs(app)) == 1
