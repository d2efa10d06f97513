"""A ticket's history: one appended TicketEvent per change, saying who did what and when."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hotline.clock import now
from tickets.models import Ticket, TicketEvent


def record(session: Session, ticket: Ticket, actor: str, kind: str, **data: Any) -> TicketEvent:
    event = TicketEvent(ticket=ticket, actor=actor, kind=kind, data=data, at=now())
    session.add(event)
    return event


def actor_name(principal: Any) -> str:
    """"agent:7" for agents, "supervisor:<token name>" for others: how events name a person."""
    if principal is None:
        return "system"
    if getattr(principal, "agent_id", None) is not None:
        return f"agent:{principal.agent_id}"
    return f"{principal.role}:{principal.name}"[:60]
