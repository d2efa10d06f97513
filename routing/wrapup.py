"""After a call: wrap-up for the queue's seconds, then the agent is free and takes the next caller.

The conversation's end (`routing.lifecycle.conversation_ended`) puts the agent in wrap-up and
schedules `end_wrap_up`; the job owns its transaction. The database holds when a wrap-up ends (the
agent's `wrap_up` status since `status_since`, the queue's `wrap_up_seconds`): the job is the fast
path, and the routing sweep ends whatever wrap-up is overdue (`end_overdue_wrap_ups`), so a Redis
flush or a killed worker that loses the job never leaves an agent in wrap-up for good.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import db
from hotline.clock import now
from routing.lifecycle import wrap_up_length, wrap_up_over
from routing.models import Agent, AgentEvent, RoutedCall
from routing.state import get_reservations


def end_overdue_wrap_ups(session: Session) -> int:
    """Agents whose wrap-up is over by the database's record, whether or not its job survived; for
    the routing sweep. Returns how many were freed. Reads every agent in wrap-up: a center's staff,
    not its history."""
    freed = 0
    for agent_id, since in session.execute(select(Agent.id, Agent.status_since).where(Agent.status == "wrap_up")).all():
        sid = session.scalars(select(AgentEvent.call_sid).where(AgentEvent.agent_id == agent_id,
                                                                AgentEvent.status == "wrap_up")
                              .order_by(AgentEvent.at.desc(), AgentEvent.id.desc()).limit(1)).first()
        queue = session.scalars(select(RoutedCall.queue).where(RoutedCall.call_sid == sid)).first() if sid else None
        if since + wrap_up_length(queue) <= now():
            freed += end_wrap_up(agent_id, sid)
    return freed


def end_wrap_up(agent_id: int, sid: str | None = None) -> bool:
    """RQ job: wrap-up time is over; the agent is available unless they changed status meanwhile."""
    session = db.session()
    freed = wrap_up_over(session, get_reservations(session), agent_id, sid)
    session.commit()
    return freed
