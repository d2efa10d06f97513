"""Helpers for ticket tests: calls that exist, events published the way the IVR and routing publish them."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from hotline import db
from hotline.contracts import CallAnswered, CallRouted, VoicemailLeft, publish
from tests.support.factories import add_agent_row, add_call


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, supervisor_phone="+8613900000001")


class Phone:
    """Makes calls exist the way the IVR's webhook leaves them, and publishes the events it publishes."""

    def __init__(self, app) -> None:
        self.app = app
        self.count = 0

    def call(self, from_number: str = "+8613800138000", sid: str | None = None, parent: str | None = None) -> str:
        self.count += 1
        sid = sid or f"CA{self.count:032d}"
        with self.app.app_context():
            add_call(db.session(), sid, from_number, parent=parent)
            db.session().commit()
        return sid

    def routed(self, sid: str, category: str = "problem", priority: int = 3, language: str = "zh-CN",
               ticket_number: str | None = None) -> None:
        with self.app.app_context():
            publish(CallRouted(call_sid=sid, category=category, priority=priority, language=language,
                               ticket_number=ticket_number))

    def voicemail(self, sid: str, language: str = "zh-CN") -> None:
        with self.app.app_context():
            publish(VoicemailLeft(call_sid=sid, recording_sid="RE" + sid[2:], language=language))

    def offered(self, sid: str, agent_id: int, leg: str | None = None, skills: dict | None = None) -> None:
        """Routing rang `agent_id` for the caller `sid` (on the leg `leg`): the call is now the agent's too."""
        from routing.models import Agent, Offer

        with self.app.app_context():
            session = db.session()
            if session.get(Agent, agent_id) is None:
                add_agent_row(session, agent_id, skills)
            session.add(Offer(call_sid=sid, agent_id=agent_id, leg_sid=leg, result="ringing"))
            session.commit()

    def answered(self, sid: str, agent_id: int) -> None:
        with self.app.app_context():
            publish(CallAnswered(sid, agent_id))


@pytest.fixture
def phone(app) -> Phone:
    return Phone(app)


def ticket_of_call(app, sid: str):
    from tickets.models import TicketCall

    with app.app_context():
        link = db.session().scalars(select(TicketCall).where(TicketCall.call_sid == sid)).first()
        return link.ticket.number if link else None
