"""What the desk reads from routing: the agent, their status, the call they are on, their offers.

Read-only and narrow: the desk changes an agent's status through routing's own
`PATCH /api/agents/<id>` (called by the page with the session), never by writing routing's tables.
Without the routing area installed the desk still opens and says so (`routing_ready` is False).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.screen import HandledCall


def routing_ready() -> bool:
    try:
        import routing.models  # noqa: F401
    except ImportError:
        return False
    return "routing.rules" in current_app.extensions


QueueEntry = tuple[str, datetime, "datetime | None"]  # (queue, entered, answered)


@dataclass(frozen=True)
class AgentPresence:
    id: int
    name: str
    status: str
    since: datetime
    call_sid: str | None  # the caller's CallSid while offered, live or wrapping up
    queue: str | None
    wrap_up_until: datetime | None
    # The call's queue entry, read once here so the screen pop does not read it again each poll.
    entry: QueueEntry | None = None


def agent_presence(session: Session, agent_id: int) -> AgentPresence | None:
    from routing.models import Agent, AgentEvent

    agent = session.get(Agent, agent_id)
    if agent is None:
        return None
    call_sid = queue = wrap_up_until = entry = None
    if agent.status in ("reserved", "on_call", "wrap_up"):
        event = session.scalars(select(AgentEvent).where(AgentEvent.agent_id == agent_id,
                                                         AgentEvent.call_sid.is_not(None))
                                .order_by(AgentEvent.id.desc()).limit(1)).first()
        call_sid = event.call_sid if event else None
        entry = queue_entry(session, call_sid) if call_sid else None
        queue = entry[0] if entry else None
        if agent.status == "wrap_up":
            wrap_up_until = agent.status_since + timedelta(seconds=wrap_up_seconds(queue))
    return AgentPresence(agent.id, agent.name, agent.status, agent.status_since, call_sid, queue, wrap_up_until,
                         entry)


def wrap_up_seconds(queue: str | None) -> int:
    """The queue's after-call work time from routing's queue rules (routing's own default otherwise)."""
    rule = current_app.extensions["routing.rules"].current().get(queue or "")
    return rule.wrap_up_seconds if rule else 30


def queue_entry(session: Session, call_sid: str) -> QueueEntry | None:
    """(queue, entered, answered) for a routed call."""
    from routing.models import RoutedCall

    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == call_sid)).first()
    return (routed.queue, routed.entered_at, routed.answered_at) if routed else None


def handled_calls(session: Session, agent_id: int, since: datetime) -> list[HandledCall]:
    """Calls the agent answered since `since`, each with when its after-call work ended."""
    from routing.models import AgentEvent, Offer

    offers = session.scalars(select(Offer).where(Offer.agent_id == agent_id, Offer.answered_at >= since)
                             .order_by(Offer.answered_at)).all()
    events = session.scalars(select(AgentEvent).where(AgentEvent.agent_id == agent_id, AgentEvent.at >= since)
                             .order_by(AgentEvent.id)).all()
    calls = []
    for offer in offers:
        wrap_end = None
        wrapping = False
        for event in events:
            if event.status == "wrap_up" and event.call_sid == offer.call_sid:
                wrapping = True
            elif wrapping:
                wrap_end = event.at
                break
        calls.append(HandledCall(offer.answered_at, offer.ended_at, wrap_end))
    return calls


def missed_offers(session: Session, agent_id: int, since: datetime) -> int:
    from sqlalchemy import func

    from routing.models import Offer

    return session.scalar(select(func.count()).select_from(Offer).where(
        Offer.agent_id == agent_id, Offer.offered_at >= since, Offer.result == "missed")) or 0


def agent_names(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, status) of every agent, for a supervisor choosing whose desk to look at."""
    from routing.models import Agent

    return [(a.id, a.name, a.status) for a in session.scalars(select(Agent).order_by(Agent.name))]
