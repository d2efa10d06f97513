"""A recording callback answers 2xx only when the recording is kept and its download scheduled;
Twilio's retry of a 503 (connection overrides on the URL) finishes the work, once."""
from __future__ import annotations

import socket

from hotline.circuit_breaker import CircuitBreaker
from tests.recordings.test_callbacks import callback, download_jobs, recordings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_download_that_could_not_be_scheduled_is_not_acknowledged_and_the_retry_schedules_it(app, twilio, media):
    from hotline.redis_client import guarded_client

    working = app.extensions["hotline.redis"]
    app.extensions["hotline.redis"] = guarded_client(f"redis://127.0.0.1:{_closed_port()}/0", connect_timeout=0.25,
                                                     read_timeout=0.5, breaker=CircuitBreaker(3, 5.0))
    try:
        assert callback(twilio, media).status_code == 503
    finally:
        app.extensions["hotline.redis"] = working
    [row] = recordings(app)
    assert row.twilio_status == "completed" and row.status == "pending"  # kept in the database
    assert download_jobs(app) == []
    for _ in range(2):  # Twilio's retry, and one more
        assert callback(twilio, media).status_code == 204
    assert len(download_jobs(app)) == 1


def test_a_recording_callback_whose_write_failed_answers_503(app, twilio, media, table_gone):
    with table_gone("recordings"):
        assert callback(twilio, media).status_code == 503
    assert recordings(app) == []
    assert callback(twilio, media).status_code == 204
    assert len(recordings(app)) == 1 and len(download_jobs(app)) == 1
