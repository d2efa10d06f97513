"""A small call center for access tests: two agents, each with a caller, a ticket and a call; one
unassigned complaint ticket open in agent A's queue; recordings and a transcript; a token per role."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from hotline import db
from tests.support.factories import add_agent_row, add_call, good_call_zh, make_transcript, store_recording

AGENT_A, AGENT_B = 1, 2
PHONE_A, PHONE_B, PHONE_Q = "+8613800000001", "+8613800000002", "+8613800000003"
CALL_A, LEG_A = "CA" + "a" * 32, "CA" + "c" * 32
CALL_B, LEG_B = "CA" + "b" * 32, "CA" + "d" * 32
CALL_Q = "CA" + "e" * 32  # the queue ticket's caller, never offered to anyone yet
WAV = b"RIFF" + b"\0" * 40


@dataclass
class Center:
    tokens: dict[str, str] = field(default_factory=dict)
    tickets: dict[str, str] = field(default_factory=dict)  # "a", "b", "q" -> GD number


def build_center(app, api) -> Center:
    from routing.models import Offer

    with app.app_context():
        session = db.session()
        # A serves complaints (so the unassigned complaint is in A's queue); B serves inquiries only.
        add_agent_row(session, AGENT_A, {"complaint": 3}, name="A", address="client:a")
        add_agent_row(session, AGENT_B, {"inquiry": 2}, name="B", address="client:b")
        for sid, number, parent in ((CALL_A, PHONE_A, None), (LEG_A, "client:a", CALL_A), (CALL_B, PHONE_B, None),
                                    (LEG_B, "client:b", CALL_B), (CALL_Q, PHONE_Q, None)):
            add_call(session, sid, number, status="completed", parent=parent)
        session.add(Offer(call_sid=CALL_A, agent_id=AGENT_A, leg_sid=LEG_A, result="answered"))
        session.add(Offer(call_sid=CALL_B, agent_id=AGENT_B, leg_sid=LEG_B, result="answered"))
        session.commit()
    center = Center()
    for key, body in (("a", {"phone": PHONE_A, "category": "inquiry", "assignee_id": AGENT_A, "call_sid": CALL_A}),
                      ("b", {"phone": PHONE_B, "category": "inquiry", "assignee_id": AGENT_B, "call_sid": CALL_B}),
                      ("q", {"phone": PHONE_Q, "category": "complaint", "call_sid": CALL_Q})):
        response = api.post("/api/tickets", {**body, "notify": False})
        assert response.status_code == 201, response.get_json()
        center.tickets[key] = response.get_json()["number"]
    for sid in (CALL_A, CALL_B):
        make_transcript(app, sid, good_call_zh(), recording=False)
        store_recording(app, WAV, call_sid=sid, sid="RE" + sid[3:] + "0")
    center.tokens = {
        "admin": api.token,
        "supervisor": api.mint("supervisor"),
        "qa": api.mint("qa"),
        "agent_a": api.mint("agent", "agent A", agent_id=AGENT_A),
        "agent_b": api.mint("agent", "agent B", agent_id=AGENT_B),
        "agent_none": api.mint("agent", "agent token without an agent record"),
    }
    return center


@pytest.fixture
def center(app, api) -> Center:
    return build_center(app, api)
