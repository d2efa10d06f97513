"""The app's routing state: queue rules, the Redis reservations, and the agents' status history.

Redis is the live truth every process shares; the database keeps the record that survives
(agents, status events, waiting callers), so `rebuild` can restore Redis after a flush or a
failover. An empty Redis is rebuilt on first use. A Redis that restarted from its own append-only
file or snapshot is not empty but up to a second stale (`appendfsync everysec`): callers who
arrived and agents who changed in that second are missing, with nothing to notice it. So the
marker names the Redis run it was built on, and the routing sweep rebuilds when the server's run
differs (`rebuild_if_restarted`); until then, a caller the line lost is put back from the
database when Twilio asks about them (`restored_caller`).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hotline import db
from hotline.clock import now
from hotline.redis_client import get_redis
from routing.matching import AgentView, WaitingCall
from routing.models import Agent, AgentEvent, Offer, RoutedCall
from routing.reservations import PREFIX, Reservations
from routing.rules import QueueRules

log = logging.getLogger(__name__)
BUILT_MARKER = f"{PREFIX}built"
REBUILD_LOCK = "routing-rebuild-lock"  # outside PREFIX, so clearing the state keeps it
# Callers older than this are not put back in line on a rebuild: they have long since hung up.
REBUILD_HORIZON = timedelta(hours=4)


def get_rules() -> QueueRules:
    return current_app.extensions["routing.rules"].current()


def now_ts() -> float:
    return now().timestamp()


def get_reservations(session: Session | None = None) -> Reservations:
    res = Reservations(get_redis(), get_rules(), current_app.config["HOTLINE_SETTINGS"].reservation_ttl_seconds)
    if not res.redis.exists(BUILT_MARKER) and res.redis.set(REBUILD_LOCK, "1", nx=True, ex=30):
        # One process rebuilds; the others go on with what is there rather than clear it twice.
        try:
            rebuild(session or db.session(), res)
        finally:
            res.redis.delete(REBUILD_LOCK)
    return res


def agent_view(agent: Agent, status: str | None = None) -> AgentView:
    return AgentView(id=agent.id, skills=dict(agent.skills), languages=tuple(agent.languages),
                     status=status or agent.status, idle_since=agent.status_since.timestamp())


def redis_run(res: Reservations) -> str:
    """The Redis server's run id: a new one after every restart, whatever it reloaded from disk."""
    return str(res.redis.info("server").get("run_id", ""))


def rebuild_if_restarted(session: Session, res: Reservations) -> bool:
    """For the routing sweep: rebuild when Redis restarted since the state was built (one process
    does; the others find the marker renewed)."""
    built = (res.redis.get(BUILT_MARKER) or b"").decode().split(" ")[0]
    if built == redis_run(res) or not res.redis.set(REBUILD_LOCK, "1", nx=True, ex=30):
        return False
    try:
        log.warning("Redis restarted since the routing state was built; rebuilding it from the database")
        rebuild(session, res)
    finally:
        res.redis.delete(REBUILD_LOCK)
    return True


def restored_caller(session: Session, res: Reservations, sid: str) -> WaitingCall | None:
    """A caller the database has waiting but the live line does not know (Redis lost them with the
    last second before a restart) while Twilio still holds them: back in line where they were."""
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    if routed is None or routed.outcome != "waiting" or routed.entered_at < now() - REBUILD_HORIZON:
        return None
    res.enqueue(WaitingCall(sid, routed.queue, routed.language, routed.priority, routed.entered_at.timestamp()),
                callback=routed.callback_requested_at is not None)
    log.warning("a waiting caller was missing from the live line; put back from the database",
                extra={"call_sid": sid})
    return res.waiting_call(sid)


def open_offers(session: Session) -> dict[tuple[int, str], str]:
    """(agent id, result) -> the call of that agent's latest offer not ended, for the results a rebuild
    restores (ringing, answered): one statement over ix_routing_offers_open, whatever the number of
    agents or the offers' history."""
    rows = session.execute(select(Offer.agent_id, Offer.result, Offer.call_sid)
                           .where(Offer.ended_at.is_(None), Offer.result.in_(("ringing", "answered")))
                           .order_by(Offer.agent_id, Offer.id)).all()
    return {(agent_id, result): sid for agent_id, result, sid in rows}  # the later offer wins


def rebuild(session: Session, res: Reservations) -> tuple[int, int]:
    """Replace the Redis routing state with what the database says; returns (agents, callers)."""
    res.clear()
    stamp = now_ts()
    agents = session.scalars(select(Agent)).all()
    offers = open_offers(session)
    ringing: list[tuple[int, str]] = []
    for agent in agents:
        # A reservation survives a rebuild only as an offer the database has ringing (the caller is
        # in the Dial, and the agent's answer must find it: the chaos benchmark's callers rung
        # through during a rebuild were hung up on); any other is offered again rather than stranded.
        if agent.status == "reserved" and (agent.id, "ringing") in offers:
            ringing.append((agent.id, offers[agent.id, "ringing"]))
        status = "available" if agent.status == "reserved" else agent.status
        res.put_agent(agent_view(agent, status), agent.address, agent.name, stamp)
        if status == "on_call" and (agent.id, "answered") in offers:
            res.redis.hset(f"{PREFIX}agent:{agent.id}", "call", offers[agent.id, "answered"])
    waiting = session.scalars(select(RoutedCall).where(RoutedCall.outcome == "waiting",
                                                       RoutedCall.entered_at >= now() - REBUILD_HORIZON)).all()
    for call in waiting:
        res.enqueue(WaitingCall(call.call_sid, call.queue, call.language, call.priority, call.entered_at.timestamp()),
                    callback=call.callback_requested_at is not None)
    waiting_sids = {call.call_sid for call in waiting}
    for agent_id, sid in ringing:
        if sid in waiting_sids:
            res.restore_reservation(agent_id, sid, stamp)
    res.redis.set(BUILT_MARKER, f"{redis_run(res)} {stamp}")
    log.info("routing state rebuilt: %d agents, %d waiting callers", len(agents), len(waiting))
    return len(agents), len(waiting)


def record_status(session: Session, agent_id: int, status: str, reason: str, call_sid: str | None = None,
                  previous: str | None = None) -> None:
    """Mirror a status change into the database, with its event."""
    agent = session.get(Agent, agent_id)
    if agent is None or (agent.status == status and reason != "rebuilt"):
        return
    if previous is None:
        previous = agent.status
    if agent.status == "wrap_up":
        _wrap_up_over(session, agent)
    agent.status = status
    agent.status_since = now()
    session.add(AgentEvent(agent_id=agent_id, status=status, previous=previous, reason=reason,
                           call_sid=call_sid, at=now()))


def _wrap_up_over(session: Session, agent: Agent) -> None:
    """Add the wrap-up ending now (begun at the agent's `status_since`) to its call's `wrap_seconds`."""
    sid = session.scalar(select(AgentEvent.call_sid).where(AgentEvent.agent_id == agent.id,
                                                           AgentEvent.status == "wrap_up")
                         .order_by(AgentEvent.at.desc(), AgentEvent.id.desc()).limit(1))
    if sid is None:
        return
    seconds = max(0.0, (now() - agent.status_since).total_seconds())
    session.execute(update(RoutedCall).where(RoutedCall.call_sid == sid)
                    .values(wrap_seconds=func.coalesce(RoutedCall.wrap_seconds, 0) + seconds))


def talking_on(session: Session, agent_id: int) -> str | None:
    """The call the database has this agent on, if their last recorded change put them on a call."""
    last = session.execute(select(AgentEvent.status, AgentEvent.call_sid).where(AgentEvent.agent_id == agent_id)
                           .order_by(AgentEvent.at.desc(), AgentEvent.id.desc()).limit(1)).first()
    return last.call_sid if last is not None and last.status == "on_call" else None
