"""The caller's time on hold is kept on the call (`routed_calls.hold_seconds`), summed at each resume
(tests/routing/test_conference_calls.py) and filled in by routing_0007 for calls held before it."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import text

from tests.support.sql import database_before


def test_the_migration_sums_each_calls_hold_events(tmp_path):
    with database_before(tmp_path, "routing_0006") as (engine, upgrade):
        t0 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
        with engine.begin() as connection:
            for n, sid in enumerate(("CA1", "CA2", "CA3"), start=1):
                connection.execute(text("INSERT INTO calls (id, sid, direction, from_number, to_number, status, "
                                        "created_at, updated_at) VALUES (:id, :sid, 'inbound', '', '', 'completed', :t, :t)"),
                                   {"id": n, "sid": sid, "t": t0})
                connection.execute(text(
                    "INSERT INTO routed_calls (call_sid, queue, language, priority, vip, entered_at, outcome, offers, "
                    "answered_at) VALUES (:sid, 'inquiry', 'zh-CN', 5, false, :t, 'answered', 1, :t)"),
                    {"sid": sid, "t": t0})
            # CA1 held twice (30 s and 12.5 s); CA2 held once, still on hold at its end (no seconds); CA3 never.
            events = [(1, "hold_started", {}), (1, "hold_ended", {"seconds": 30}), (1, "hold_started", {}),
                      (1, "hold_ended", {"seconds": 12.5}), (2, "hold_started", {}), (2, "hold_ended", {}),
                      (3, "answered", {"seconds": 99})]
            for call_id, kind, data in events:
                connection.execute(text("INSERT INTO call_events (call_id, at, kind, data) VALUES (:c, :t, :k, :d)"),
                                   {"c": call_id, "t": t0, "k": kind, "d": json.dumps(data)})
        upgrade()
        with engine.begin() as connection:
            rows = connection.execute(text("SELECT call_sid, hold_seconds FROM routed_calls ORDER BY call_sid")).all()
        assert [(sid, seconds) for sid, seconds in rows] == [("CA1", 42.5), ("CA2", None), ("CA3", None)]
