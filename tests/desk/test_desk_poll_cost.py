"""The desk poll costs the same whatever the agent's and the caller's history: a bounded number of
statements, each reading a bounded number of rows (issue 14, item 7)."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from hotline import db
from tests.conftest import StatementCount, sign_in

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "the poll's cost with the direct Dial's conversation; the conference-mode poll is measured by its own"
    " test in this file")


SID = "CA" + "5" * 32
NUMBER = "+8613800138000"


def add_history(app, agent: int, days: range, per_day: int) -> None:
    """Earlier days of work: calls from the same caller, offers, agent events, resolved tickets."""
    from hotline.clock import now
    from hotline.models import Call
    from routing.models import AgentEvent, Offer
    from tickets.models import TicketEvent, TicketCall

    with app.app_context():
        session = db.session()
        ticket_id = session.query(TicketCall.ticket_id).filter(TicketCall.call_sid == SID).scalar()
        start = now()
        for day in days:
            for i in range(per_day):
                at = start - timedelta(days=day, minutes=i)
                sid = f"CA{day:06d}{i:06d}" + "0" * 20
                session.add(Call(sid=sid, from_number=NUMBER, to_number="+864001234567", status="completed",
                                 created_at=at))
                session.add(Offer(call_sid=sid, agent_id=agent, offered_at=at, answered_at=at,
                                  ended_at=at + timedelta(minutes=3), result="answered" if i % 5 else "missed"))
                session.add(AgentEvent(agent_id=agent, at=at, status="on_call", reason="call", call_sid=sid))
                session.add(TicketEvent(ticket_id=ticket_id, at=at, actor=f"agent:{agent}", kind="status",
                                        data={"status": "resolved"}))
        session.commit()


def poll_cost(client, url: str) -> tuple[int, int]:
    with StatementCount() as counted:
        response = client.get(url)
    assert response.status_code == 200
    assert response.get_json()["phase"] == "live"
    return counted.cost()


@DIRECT_DIAL
def test_the_desk_poll_does_not_grow_with_history(people, client, switchboard, clock, app):
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent, name="王芳")
    switchboard.customer(NUMBER, "李", "ms", "李雪")
    params = switchboard.caller_through_ivr(SID, NUMBER)
    dial = switchboard.route(SID, params).find("Dial")
    clock.advance(5)
    switchboard.answer(dial, params)
    sign_in(client, "wang.fang")
    url = f"/desk/agents/{agent}/state"

    add_history(app, agent, days=range(1, 4), per_day=4)
    small = poll_cost(client, url)
    add_history(app, agent, days=range(4, 31), per_day=4)  # ten times as much
    large = poll_cost(client, url)

    assert small == large
    assert small[0] <= 16, f"{small[0]} statements per poll"


@DIRECT_DIAL
def test_the_call_controls_cost_two_reads_a_poll_and_only_in_conference_mode(people, client, switchboard, app):
    """Hold, mute and the open transfer (issue 16) are read only while the agent talks and calls meet in
    conferences: one read of the call's control events, one of its open transfer."""
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent)
    params = switchboard.caller_through_ivr(SID, NUMBER)
    switchboard.answer(switchboard.route(SID, params).find("Dial"), params)
    sign_in(client, "wang.fang")
    url = f"/desk/agents/{agent}/state"
    plain = poll_cost(client, url)
    assert client.get(url).get_json()["control"] is None  # Dial mode: no controls
    app.config["HOTLINE_SETTINGS"] = dataclasses.replace(app.config["HOTLINE_SETTINGS"], routing_conference=True)
    with_controls = poll_cost(client, url)
    assert client.get(url).get_json()["control"] == {"hold": False, "held_since": None, "muted": False,
                                                      "transfer": None}
    assert with_controls[0] == plain[0] + 2, (plain, with_controls)
