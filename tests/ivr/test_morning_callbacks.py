"""The morning's callback list (issue 17, item 2): messages left in the night come back as tickets
owing a call back, urgent first, then normal, then routine, oldest first in each, paged by key; an
agent sees those of their queues; a ticket stops owing once it is resolved or the flag is cleared."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from hotline import db
from tests.ivr.conftest import NIGHT
from tests.support.factories import api_agent
from tests.support.sql import explain, statements
from tickets.models import TicketCall

# (key after the language, what it files): inquiry (routine), problem (normal), urgent (urgent)
MESSAGES = [("1", "routine"), ("4", "urgent"), ("2", "normal"), ("1", "routine"), ("4", "urgent")]


def _leave_messages(app, clock, caller) -> list[str]:
    clock.set(NIGHT)
    numbers = []
    for n, (key, _) in enumerate(MESSAGES):
        clock.advance(minutes=7)
        call = caller()
        call.dial()
        call.press("1")
        call.press(key)
        call.leave_message(f"RE{n:032d}")
        with app.app_context():
            link = db.session().scalars(select(TicketCall).where(TicketCall.call_sid == call.sid)).one()
            numbers.append(link.ticket.number)
    return numbers


def test_the_night_s_messages_are_listed_urgent_first_then_oldest_first(app, api, clock, caller):
    numbers = _leave_messages(app, clock, caller)
    by_priority = {p: [n for n, (_, q) in zip(numbers, MESSAGES) if q == p] for p in ("urgent", "normal", "routine")}
    expected = by_priority["urgent"] + by_priority["normal"] + by_priority["routine"]
    clock.advance(hours=8)  # the morning
    seen, url = [], "/api/callbacks?limit=2"
    while url:
        page = api.get(url).get_json()
        assert len(page["items"]) <= 2
        seen += page["items"]
        url = page["next_url"]
    assert [t["number"] for t in seen] == expected
    assert [t["priority"] for t in seen] == ["urgent", "urgent", "normal", "routine", "routine"]
    assert all(t["callback_requested"] and t["channel"] == "voicemail" for t in seen)

    # Called back and resolved, or the flag cleared: off the list.
    first, second = seen[0], seen[1]
    assert api.patch(f"/api/tickets/{first['number']}", {"version": first["version"],
                                                          "callback_requested": False}).status_code == 200
    agent = api_agent(api, "qian", {"urgent": 5})
    version = second["version"]
    for change in ({"assignee_id": agent}, {"status": "in_progress"}, {"status": "resolved"}):
        moved = api.patch(f"/api/tickets/{second['number']}", {"version": version, **change})
        assert moved.status_code == 200, moved.get_json()
        version = moved.get_json()["version"]
    left = [t["number"] for t in api.get("/api/callbacks").get_json()["items"]]
    assert left == expected[2:]
    assert api.get("/api/callbacks?after=nonsense").status_code == 400


def test_an_agent_sees_the_callbacks_of_their_queues_only(app, api, clock, caller):
    numbers = _leave_messages(app, clock, caller)
    token = api.mint("agent", agent_id=api_agent(api, "zhao", {"urgent": 5}))
    mine = [t["number"] for t in api.get("/api/callbacks", token=token).get_json()["items"]]
    assert mine == [n for n, (_, p) in zip(numbers, MESSAGES) if p == "urgent"]


def test_on_postgresql_the_list_finds_its_tickets_by_the_partial_index(app, api, clock, caller, settings):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the plan is PostgreSQL's")
    _leave_messages(app, clock, caller)
    with app.app_context():
        session = db.session()
        # A year of tickets owing nothing, copied from one of the night's (every other column as it is).
        columns = [c for c in session.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'tickets' "
            "AND table_schema = current_schema()")).scalars()
            if c not in ("id", "number", "status", "callback_requested", "created_at")]
        session.execute(text(
            f"INSERT INTO tickets (number, status, callback_requested, created_at, {', '.join(columns)}) "
            "SELECT 'GDX' || g, CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'in_progress' END, false, "
            f"now() - g * interval '1 minute', {', '.join('t.' + c for c in columns)} "
            "FROM (SELECT * FROM tickets ORDER BY id LIMIT 1) t, generate_series(1, 50000) g"))
        session.execute(text("ANALYZE tickets"))
        session.commit()
    with statements(app) as seen:
        assert len(api.get("/api/callbacks").get_json()["items"]) == len(MESSAGES)
    sql, parameters, _ = next(s for s in seen if "FROM tickets" in s.sql and "callback_requested" in s.sql)
    plan = explain(app, sql, parameters)
    assert "ix_tickets_callbacks" in plan and "Seq Scan on tickets" not in plan, plan
