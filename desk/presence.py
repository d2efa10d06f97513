"""What the desk reads from routing: the agent, their status, the call they are on, their offers.

Asked of routing's `hotline.contracts.AgentDesk` (routing's own queries, on the desk's session);
read-only: the desk changes an agent's status through routing's own `PATCH /api/agents/<id>`
(called by the page with the session). Without the routing area the desk still opens and says so
(`routing_ready` is False).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hotline.contracts import AgentDesk, AgentPresence, CallControl, HandledCall, QueueEntry, need, provided

__all__ = ["AgentPresence", "CallControl", "QueueEntry", "agent_names", "agent_presence", "call_control",
           "handled_calls", "missed_offers", "queue_entry", "routing_ready"]


def routing_ready() -> bool:
    return provided(AgentDesk) is not None


def agent_presence(session: Session, agent_id: int) -> AgentPresence | None:
    return need(AgentDesk).agent_presence(session, agent_id)


def queue_entry(session: Session, call_sid: str) -> QueueEntry | None:
    """(queue, entered, answered) for a routed call."""
    return need(AgentDesk).queue_entry(session, call_sid)


def handled_calls(session: Session, agent_id: int, since: datetime) -> list[HandledCall]:
    return need(AgentDesk).handled_calls(session, agent_id, since)


def missed_offers(session: Session, agent_id: int, since: datetime) -> int:
    return need(AgentDesk).missed_offers(session, agent_id, since)


def agent_names(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, status) of every agent, for a supervisor choosing whose desk to look at."""
    return need(AgentDesk).agent_names(session)


def call_control(session: Session, call_sid: str, agent_id: int) -> CallControl | None:
    """The caller's hold, the agent's mute and the warm transfer under way; None when calls do not
    meet in conferences."""
    return need(AgentDesk).call_control(session, call_sid, agent_id)
