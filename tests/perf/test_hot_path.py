"""What the webhook hot path's shortcuts must not cost: one Call row per CallSid under concurrency,
status forward only, dead pooled connections replaced. (A hand-over during a Redis outage:
test_redis_outage.py.)"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, select, text

from hotline import db
from hotline.calls import ensure_call
from hotline.db_pool import ping_idle_connections
from hotline.models import Call, CallEvent

pytestmark = pytest.mark.timing  # its time limits hold on an idle machine only: run alone


def test_concurrent_first_callbacks_make_one_call_with_the_latest_status(app):
    sid = "CA" + "7" * 32
    statuses = ["ringing", "in-progress", "ringing", "queued", "in-progress", "ringing"]
    barrier = threading.Barrier(len(statuses))
    errors: list[BaseException] = []

    def callback(status: str) -> None:
        try:
            with app.app_context():
                session = db.session()
                barrier.wait(timeout=10)
                ensure_call(session, sid, {"CallStatus": status, "From": "+8613800138000"})
                session.commit()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=callback, args=(s,)) for s in statuses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    with app.app_context():
        session = db.session()
        calls = session.scalars(select(Call).where(Call.sid == sid)).all()
        assert len(calls) == 1 and calls[0].status == "in-progress"
        moves = session.scalars(select(CallEvent.data).where(CallEvent.call_id == calls[0].id,
                                                             CallEvent.kind == "status")).all()
        # Each forward move recorded once, in order; backward and repeated callbacks change nothing.
        ranks = [m["status"] for m in moves]
        assert ranks[-1] == "in-progress" and len(ranks) == len(set(ranks)) <= 2


def test_a_pooled_connection_killed_while_idle_is_replaced_before_use(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs a PostgreSQL server to cut a connection")
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    ping_idle_connections(engine, idle_seconds=0.0)
    try:
        with engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        killer = create_engine(database_url, poolclass=None)
        with killer.begin() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()


def test_api_tokens_last_use_is_written_at_most_once_a_minute(app, api, clock):
    from hotline.models import ApiToken

    token = api.mint("supervisor", name="wallboard")

    def last_used():
        with app.app_context():
            return db.session().scalar(select(ApiToken.last_used_at).where(ApiToken.name == "wallboard"))

    path = "/api/calls/CA" + "0" * 32
    assert api.get(path, token=token).status_code == 404  # authenticated, no such call
    first = last_used()
    assert first is not None
    clock.advance(30)
    assert api.get(path, token=token).status_code == 404
    assert last_used() == first
    clock.advance(31)
    assert api.get(path, token=token).status_code == 404
    assert last_used() > first
