"""Each call keeps its after-call work (`routed_calls.wrap_seconds`): summed when the agent leaves a
wrap-up, however it ends (the agent's button, the wrap-up job, the sweep), and filled in by the
migration for calls recorded before it, so the KPI pack reads one row per call."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from hotline import db
from routing.models import AgentEvent, RoutedCall
from tests.routing.test_wrapup_end import _lose_the_wrap_up_jobs, _sweep
from tests.support.sql import database_before

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "ends the conversation by the agent hanging up the direct Dial (in conference mode that returns the "
    "caller to the line)")


def wrap_seconds(app) -> list[float | None]:
    with app.app_context():
        return list(db.session().scalars(select(RoutedCall.wrap_seconds).order_by(RoutedCall.id)))


def in_wrap_up_for(app, clock, agent_id: int) -> float:
    """Seconds since the agent's wrap-up began (the simulator plays on a little after the hang-up)."""
    with app.app_context():
        began = db.session().scalar(select(AgentEvent.at).where(AgentEvent.agent_id == agent_id,
                                                                AgentEvent.status == "wrap_up"))
    return (clock.now() - began).total_seconds()


@DIRECT_DIAL
def test_the_agent_ending_wrap_up_writes_its_seconds_on_the_call(center, simulator, app, api, clock):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    assert center.agent_status(alice) == "wrap_up" and wrap_seconds(app) == [None]
    clock.advance(12)
    spent = in_wrap_up_for(app, clock, alice)
    assert spent >= 12
    assert api.patch(f"/api/agents/{alice}", {"status": "available"}).status_code == 200
    assert wrap_seconds(app) == [spent]
    clock.advance(40)
    assert api.patch(f"/api/agents/{alice}", {"status": "break"}).status_code == 200
    assert wrap_seconds(app) == [spent]  # only leaving a wrap-up counts


@DIRECT_DIAL
def test_a_wrap_up_ended_by_the_sweep_is_counted_once(center, simulator, app, clock):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    assert _lose_the_wrap_up_jobs(app) == 1
    clock.advance(31)
    spent = in_wrap_up_for(app, clock, alice)
    assert _sweep(app)["wrap_ups_ended"] == 1 and _sweep(app)["wrap_ups_ended"] == 0
    assert wrap_seconds(app) == [spent]


def test_the_migration_fills_in_the_calls_recorded_before_it(tmp_path):
    with database_before(tmp_path, "routing_0005") as (engine, upgrade):
        t0 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO agents (id, name, address, skills, languages, status, status_since, "
                                    "created_at, updated_at) VALUES (1, 'a', 'client:a', '{}', '[]', 'available', "
                                    ":t, :t, :t)"), {"t": t0})
            for sid, answered in (("CA1", True), ("CA2", True), ("CA3", False)):
                connection.execute(text(
                    "INSERT INTO routed_calls (call_sid, queue, language, priority, vip, entered_at, outcome, offers, "
                    "answered_at) VALUES (:sid, 'inquiry', 'zh-CN', 5, false, :t, 'answered', 1, :answered)"),
                    {"sid": sid, "t": t0, "answered": t0 if answered else None})
            # CA1: a wrap-up of 25 s; CA2: 10 s, a break, then another 5 s on the same call.
            events = [(0, "on_call", "CA1"), (60, "wrap_up", "CA1"), (85, "available", None),
                      (100, "on_call", "CA2"), (160, "wrap_up", "CA2"), (170, "break", None),
                      (200, "wrap_up", "CA2"), (205, "available", None)]
            for seconds, status, sid in events:
                connection.execute(text("INSERT INTO agent_events (agent_id, at, status, reason, call_sid) "
                                        "VALUES (1, :at, :status, 'test', :sid)"),
                                   {"at": t0 + timedelta(seconds=seconds), "status": status, "sid": sid})
        upgrade()
        with engine.begin() as connection:
            rows = connection.execute(text("SELECT call_sid, wrap_seconds FROM routed_calls ORDER BY call_sid")).all()
        assert [(sid, None if s is None else round(s, 3)) for sid, s in rows] == [
            ("CA1", 25.0), ("CA2", 15.0), ("CA3", None)]
