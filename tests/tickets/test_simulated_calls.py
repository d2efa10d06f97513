"""Calls becoming tickets end to end: a simulated caller goes through the real IVR and routing to an
agent made through the API, and the tickets area files every call."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import enqueue_due_jobs, run_burst
from sandbox import press

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "the simulated agents end their calls by hanging up (in conference mode that returns the caller to "
    "the line)")


CALLER = "+8613800138000"


def _known_caller(app) -> None:
    from tickets.models import Customer

    with app.app_context():
        db.session().add(Customer(phone=CALLER, surname="王", title="ms", language="zh-CN"))
        db.session().commit()


def _run_due_jobs(app, clock) -> None:
    """What the RQ scheduler does when the clock passes a job's time (alice's wrap-up ending), then a
    real worker runs them."""
    enqueue_due_jobs(app, ("default",))
    run_burst(app, ("default",))


def _agent_status(api, agent_id: int) -> str:
    return api.get(f"/api/agents/{agent_id}").get_json()["status"]


def _talk_to_alice(simulator, keys: str):
    call = simulator.call(from_=CALLER, inputs=[press(keys)], hangup_after=600)
    simulator.run()
    assert simulator.errors == [], simulator.timeline_text()
    assert call.status == "completed", call.timeline_text()
    assert any("王女士您好" in text for text in call.said)   # known: greeted by name, no language menu
    assert any("/voice/route" in url for url in call.urls)
    [leg] = [c for c in simulator.calls if c.parent is call]
    assert leg.to == "client:alice" and leg.status == "completed"
    return call


@DIRECT_DIAL
def test_calls_open_join_and_open_tickets_by_what_the_caller_pressed(app, simulator, api, clock):
    _known_caller(app)
    made = api.post("/api/agents", {"name": "alice", "address": "client:alice", "languages": ["zh-CN"],
                                    "skills": {"problem": 5, "complaint": 5}, "status": "available"})
    assert made.status_code == 201, made.get_json()
    alice = made.get_json()["id"]
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=40)

    first = _talk_to_alice(simulator, "2")
    ticket = api.get(f"/api/calls/{first.sid}/ticket").get_json()
    number = ticket["number"]
    assert re.fullmatch(r"GD20261124\d+", number)
    assert ticket["category"] == "problem" and ticket["customer"]["phone"] == CALLER
    opened = ticket["created_at"]
    assert ticket["sla"]["response_due"] > opened and ticket["sla"]["resolution_due"] > opened
    assert ticket["first_response_at"] is not None   # the agent answering is the first response
    assert [c["call_sid"] for c in ticket["calls"]] == [first.sid]
    assert ticket["calls"][0]["reason"] == "new_ticket"

    assert _agent_status(api, alice) == "wrap_up"
    clock.advance(days=2)
    _run_due_jobs(app, clock)
    assert _agent_status(api, alice) == "available"
    second = _talk_to_alice(simulator, "2")
    again = api.get(f"/api/calls/{second.sid}/ticket").get_json()
    assert again["number"] == number
    assert [(c["call_sid"], c["reason"]) for c in again["calls"]] == [(first.sid, "new_ticket"),
                                                                       (second.sid, "same_issue")]

    clock.advance(minutes=5)
    _run_due_jobs(app, clock)
    third = _talk_to_alice(simulator, "3")
    complaint = api.get(f"/api/calls/{third.sid}/ticket").get_json()
    assert complaint["number"] != number and complaint["category"] == "complaint"
    assert [c["call_sid"] for c in complaint["calls"]] == [third.sid]

    listed = api.get("/api/tickets?count=true").get_json()
    assert listed["total"] == 2
    from tickets.models import TicketCall

    with app.app_context():
        filed = db.session().scalars(select(TicketCall.call_sid)).all()
    assert sorted(filed) == sorted([first.sid, second.sid, third.sid])   # agent legs are not filed twice
