"""After a call: wrap-up for the queue's seconds, then the agent is free and takes the next caller.

The database holds when a wrap-up ends (the agent's `wrap_up` status since `status_since`, the
queue's `wrap_up_seconds`): the job enqueued for that moment is the fast path, and the routing sweep
ends whatever wrap-up is overdue, so a Redis flush or a killed worker that loses the job never
leaves an agent in wrap-up for good."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import db, jobs
from hotline.clock import now
from routing.models import Agent, AgentEvent, Offer, RoutedCall
from routing.reservations import Reservations
from routing.state import get_reservations, get_rules, now_ts, record_status

log = logging.getLogger(__name__)


def finish_conversation(session: Session, res: Reservations, sid: str, agent_id: int) -> None:
    """The agent's conversation with this caller is over: wrap-up, then free (an RQ job later)."""
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    offer = session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.agent_id == agent_id)
                            .order_by(Offer.id.desc())).first()
    if offer is not None and offer.ended_at is None:
        offer.ended_at = now()
    if routed is not None and routed.ended_at is None:
        routed.ended_at = now()
    if not res.release(agent_id, sid, "wrap_up", now_ts()):
        session.commit()
        return
    record_status(session, agent_id, "wrap_up", "call_ended", sid)
    session.commit()
    jobs.enqueue(end_wrap_up, agent_id, sid, at=now() + wrap_up_length(routed.queue if routed else None),
                 job_id=f"routing-wrapup-{agent_id}-{sid}")


def wrap_up_length(queue: str | None) -> timedelta:
    rule = get_rules().get(queue or "")
    return timedelta(seconds=rule.wrap_up_seconds if rule else 30)


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
    res = get_reservations(session)
    change = res.set_status(agent_id, "available", now_ts(), allowed_from=("wrap_up",))
    if not change.changed:
        return False
    record_status(session, agent_id, "available", "wrap_up_over", sid, previous=change.previous)
    session.commit()
    agent_freed(session, res, agent_id)
    return True


def agent_freed(session: Session, res: Reservations, agent_id: int) -> str | None:
    """Give a newly free agent the best waiting caller they can serve, and bring that caller over."""
    from routing.callbacks import connect_callback
    from routing.queue_wait import pull_from_queue

    view = res.agent_view(agent_id)
    if view is None or view.status != "available":
        return None
    sid = res.reserve_for_agent(agent_id, view.skills, now_ts())
    if sid is None:
        return None
    record_status(session, agent_id, "reserved", "reserved", sid)
    session.commit()
    if res.call(sid).get("callback") == "1":
        jobs.enqueue(connect_callback, sid, agent_id, job_id=f"routing-callback-{sid}-{agent_id}")
    else:
        # The caller also leaves on their next waitUrl request; the redirect just saves those seconds.
        jobs.enqueue(pull_from_queue, sid, job_id=f"routing-pull-{sid}-{agent_id}")
    log.info("agent %s reserved for a waiting caller", agent_id, extra={"call_sid": sid})
    return sid
