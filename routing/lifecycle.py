"""A routed call's lifecycle, one function per operation of the reservation script.

| function              | reservations.lua         | the database records                          | after the commit         |
|-----------------------|--------------------------|-----------------------------------------------|--------------------------|
| `caller_arrived`      | `enqueue`                | (the routed call: the view's, committed first)| then `offered`           |
| `offered`             | `reserve_for_call`       | the offer, the agent `reserved`               |                          |
| `reserved_for_caller` | `reserve_for_call`       | the agent `reserved` (rung when they come)    |                          |
| `answered`            | `answer`                 | offer and routed call answered, `on_call`     | `call_answered`          |
| `missed`              | `release` (requeue)      | the offer missed, the agent `missed`          |                          |
| `caller_left`         | `finish_call`            | abandoned, offers canceled, agent `available` | `agent_freed`            |
| `conversation_ended`  | `release` to `wrap_up`   | offer and routed call ended, `wrap_up`        | the wrap-up job          |
| `agent_left`          | `release` (requeue)      | the offer ended, `wrap_up` (conference mode)  | the wrap-up job          |
| `wrap_up_over`        | `set_status` `available` | the agent `available`                         | `agent_freed`            |
| `agent_freed`         | `reserve_for_agent`      | the agent `reserved`                          | pull or call back (job)  |

Each step runs in the same order: the Lua script first (the live state every process shares, atomic),
then the database rows in the caller's session, then what must follow the commit (jobs, events:
`hotline.db.after_commit`). No function here commits: the webhook or job that calls it owns the
transaction and commits, so a failure before the commit leaves no half-written record and starts
no job. `agent_freed` after a commit runs in a transaction of its own (`free_after_commit`).
Redis errors propagate: the views answer them with `routing.outage`.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from hotline import db, jobs
from hotline.contracts import CallAnswered, publish_after_commit
from hotline.calls import apply_status, ensure_call
from hotline.clock import now
from hotline.voice import announce_call_end
from routing.matching import WaitingCall
from routing.models import Agent, Offer, RoutedCall
from routing.conference import (caller_joins_agent, conference_mode, hang_up_leg_after_commit,
                                ring_reserved_agent)
from routing.offers import enqueue_caller, offer_call
from routing.reservations import Reservations
from routing.segments import start_segment
from routing.state import get_rules, now_ts, record_status, restored_caller, talking_on
from routing.transfer_history import caller_left_waiting_transfer

log = logging.getLogger(__name__)
# Jobs named, not imported: they live with the webhooks they serve and call back into this module.
PULL_FROM_QUEUE = "routing.queue_wait.pull_from_queue"
CONNECT_CALLBACK = "routing.callbacks.connect_callback"
END_WRAP_UP = "routing.wrapup.end_wrap_up"
DEFAULT_WRAP_UP_SECONDS = 30


def caller_arrived(session: Session, res: Reservations, call: WaitingCall) -> VoiceResponse:
    """The caller joins the line (where they were, on a retried webhook), then is offered or waits."""
    res.enqueue(call)
    return offered(session, res, call.sid)


def offered(session: Session, res: Reservations, sid: str) -> VoiceResponse:
    """Ring the best free agent for a waiting caller (or the one already reserved for them), or
    put them in the Twilio queue to wait."""
    call = res.waiting_call(sid) or restored_caller(session, res, sid)
    state = call.meta.get("state") if call else None
    if state == "connected" and conference_mode() and call.meta.get("agent"):
        return caller_joins_agent(session, sid, int(call.meta["agent"]))  # out of the queue, answered
    if state not in {"waiting", "reserved"}:
        response = VoiceResponse()
        if state != "connected":  # a retried request during the conversation changes nothing
            response.hangup()
        return response
    if state == "reserved":
        state = res.confirm_reservation(sid, now_ts())
    agent_id = int(call.meta["agent"]) if state == "reserved" and call.meta.get("agent") else None
    if state == "waiting":
        agent_id = res.reserve_for_call(call, now_ts())
    if agent_id is not None and conference_mode():
        ring_reserved_agent(session, res, sid)  # the caller waits in the queue while the agent rings
    elif agent_id is not None:
        return offer_call(session, sid, agent_id)
    return enqueue_caller(sid, call.queue)


def reserved_for_caller(session: Session, res: Reservations, call: WaitingCall) -> int | None:
    """Reserve an agent for a caller who is not on a routing webhook now (holding music, a
    callback): they are rung when the caller comes over. Returns the agent, if one fits."""
    agent_id = res.reserve_for_call(call, now_ts())
    if agent_id is not None:
        record_status(session, agent_id, "reserved", "reserved", call.sid)
    return agent_id


def answered(session: Session, res: Reservations, sid: str, agent_id: int, offer_id: int) -> bool:
    """The agent picked up: on_call, the service-level record, and call_answered (once, after the
    commit). False when the reservation is no longer this agent's."""
    result = res.answer(agent_id, sid, now_ts())
    offer = session.get(Offer, offer_id)
    if result == 0 and _ringing_by_the_record(session, offer, sid, agent_id):
        result = res.reclaim(agent_id, sid, now_ts())
        if result:
            log.warning("agent %s answered an offer the live state had lost; connected by the database's record",
                        agent_id, extra={"call_sid": sid})
    if result == 0:
        return False
    if offer is not None and offer.answered_at is None:
        offer.answered_at = now()
        offer.result = "answered"
        start_segment(session, offer)
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    if result == 2:
        record_status(session, agent_id, "on_call", "answered", sid)
        if routed is not None and routed.answered_at is None:
            ring_seconds = current_app.config["HOTLINE_SETTINGS"].ring_seconds
            routed.answered_at = now()
            routed.agent_id = agent_id
            routed.outcome = "answered"
            if offer is not None:
                rang = (routed.answered_at - offer.offered_at).total_seconds()
                routed.rings = max(1, int(-(-rang // ring_seconds)))
        publish_after_commit(CallAnswered(sid, agent_id), session)
    return True


def _ringing_by_the_record(session: Session, offer: Offer | None, sid: str, agent_id: int) -> bool:
    """The database has this offer ringing and its caller waiting: the answer is genuine even if the
    live state forgot the reservation (Twilio dials the agent only after the offer's commit)."""
    if offer is None or offer.call_sid != sid or offer.agent_id != agent_id:
        return False
    if offer.result != "ringing" or offer.ended_at is not None:
        return False
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    return routed is not None and routed.outcome == "waiting"


def missed(session: Session, res: Reservations, sid: str, agent_id: int, offer: Offer, reason: str) -> None:
    """The agent did not pick up: the caller goes back to the head of their line."""
    offer.result, offer.ended_at = "missed", now()
    if res.release(agent_id, sid, "missed", now_ts(), requeue=True):
        record_status(session, agent_id, "missed", reason, sid)


def caller_left(session: Session, res: Reservations, sid: str) -> str | None:
    """Take the caller out of line; free an agent reserved for them. Returns their previous state."""
    agent = res.call(sid).get("agent")
    previous = res.finish_call(sid, now_ts())
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    if routed is not None and routed.outcome == "waiting" and previous in {"waiting", "reserved"}:
        routed.outcome = "abandoned"
        routed.abandoned_at = routed.ended_at = now()
        log.info("caller abandoned the %s queue", routed.queue, extra={"call_sid": sid})
    if previous in {"waiting", "reserved"}:
        caller_left_waiting_transfer(session, sid)
    for offer in session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.result == "ringing")):
        offer.result, offer.ended_at = "canceled", now()
        if offer.leg_sid and conference_mode():
            hang_up_leg_after_commit(session, offer.leg_sid)
    if previous == "reserved" and agent:
        record_status(session, int(agent), "available", "caller_left", sid)
        free_after_commit(session, res, int(agent))
    return previous


def conversation_ended(session: Session, res: Reservations, sid: str, agent_id: int) -> None:
    """The agent's conversation with this caller is over: wrap-up, then free (a job, later)."""
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    offer = session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.agent_id == agent_id)
                            .order_by(Offer.id.desc())).first()
    if offer is not None and offer.ended_at is None:
        offer.ended_at = now()
    if routed is not None and routed.ended_at is None:
        routed.ended_at = now()
    queue = routed.queue if routed else None
    at = now_ts()
    if (not res.release(agent_id, sid, "wrap_up", at, free_at=wrap_up_end(at, queue))
            and not _ended_where_live_state_lost_it(session, res, sid, agent_id, queue)):
        return
    start_wrap_up(session, agent_id, sid, queue)


def agent_left(session: Session, res: Reservations, sid: str, agent_id: int,
               caller_ending: bool = False) -> bool | None:
    """Conference mode: the agent's leg left the conference while the caller stayed on the line
    (the agent hung up first, or their leg dropped: Twilio reports both alike). The agent goes to
    wrap-up; the caller goes back to the head of their line (their place by entry time), never to
    silence: True. False when another agent is still with the caller (a three-way call), who keeps
    them. None if that conversation was already over (a retried callback). `caller_ending`: the
    agent ended the call on purpose (routing.call_control.end_conversation) and the caller's leg is
    being hung up: they are not put back in line, where a free agent could be offered them."""
    offer = session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.agent_id == agent_id)
                            .order_by(Offer.id.desc())).first()
    if offer is None or offer.answered_at is None or offer.ended_at is not None:
        return None
    offer.ended_at = now()
    others = session.scalar(select(Offer.id).where(Offer.call_sid == sid, Offer.agent_id != agent_id,
                                                   Offer.answered_at.is_not(None), Offer.ended_at.is_(None))
                            .limit(1)) is not None
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    queue = routed.queue if routed else None
    at = now_ts()
    if res.release(agent_id, sid, "wrap_up", at, requeue=not others and not caller_ending, free_at=wrap_up_end(at, queue),
                   keep_caller=others):
        start_wrap_up(session, agent_id, sid, queue)
    return not others


def start_wrap_up(session: Session, agent_id: int, sid: str | None, queue: str | None) -> None:
    """Record the wrap-up the live state began, and schedule its end after the commit."""
    record_status(session, agent_id, "wrap_up", "call_ended", sid)
    db.after_commit(_enqueue_wrap_up_end, agent_id, sid or "", wrap_up_length(queue), session=session)


def _ended_where_live_state_lost_it(session: Session, res: Reservations, sid: str, agent_id: int,
                                    queue: str | None) -> bool:
    """The live state has no such conversation (a Redis restarted from a stale file, an answer
    recorded while Redis was down, a retry after the first attempt's commit was lost): the database
    says whether the agent was on this call. If so, they go to wrap-up there too, unless Redis has
    them reserved for another caller (that ring decides; the sweep reconciles the rest)."""
    if talking_on(session, agent_id) != sid:
        return False
    live = res.agent(agent_id)
    if live.get("call") not in (None, "", sid):
        return False
    at = now_ts()
    change = res.set_status(agent_id, "wrap_up", at, allowed_from=("on_call", "available", "missed", "wrap_up"),
                            free_at=wrap_up_end(at, queue))
    if change.changed or change.previous == "wrap_up":
        log.warning("the live state had lost agent %s's conversation; ended by the database's record", agent_id,
                    extra={"call_sid": sid})
        return True
    return False


def wrap_up_length(queue: str | None) -> timedelta:
    rule = get_rules().get(queue or "")
    return timedelta(seconds=rule.wrap_up_seconds if rule else DEFAULT_WRAP_UP_SECONDS)


def wrap_up_end(started: float, queue: str | None) -> float:
    """When a wrap-up begun at `started` (unix seconds) is over: the live state ends it by itself then."""
    return started + wrap_up_length(queue).total_seconds()


def _enqueue_wrap_up_end(agent_id: int, sid: str, length: timedelta) -> None:
    # The fast path: the routing sweep ends an overdue wrap-up by the database if this job is lost.
    jobs.enqueue(END_WRAP_UP, agent_id, sid, at=now() + length, job_id=f"routing-wrapup-{agent_id}-{sid}")


def wrap_up_over(session: Session, res: Reservations, agent_id: int, sid: str | None = None) -> bool:
    """Wrap-up time is over: the agent is available (and offered the next caller) unless they
    changed status meanwhile. True if this ended the wrap-up, live or on the record."""
    change = res.end_wrap_up(agent_id, now_ts())
    if not change.changed:
        if change.previous == "available":
            # Freed live already: by the live state itself at the wrap-up's end (`release`), or by an
            # earlier run whose commit was lost. The record catches up, or the agent would stay in
            # wrap-up on every report and sweep; a caller in a callback line is offered them.
            agent = session.get(Agent, agent_id)
            caught_up = agent is not None and agent.status == "wrap_up"
            record_status(session, agent_id, "available", "wrap_up_over", sid)
            free_after_commit(session, res, agent_id)
            return caught_up
        return False
    record_status(session, agent_id, "available", "wrap_up_over", sid, previous=change.previous)
    free_after_commit(session, res, agent_id)
    return True


def agent_freed(session: Session, res: Reservations, agent_id: int) -> str | None:
    """Give a newly free agent the best waiting caller they can serve, and bring that caller over
    (a job, after the commit)."""
    view = res.agent_view(agent_id)
    if view is None or view.status != "available":
        return None
    sid = res.reserve_for_agent(agent_id, view.skills, now_ts())
    if sid is None:
        return None
    record_status(session, agent_id, "reserved", "reserved", sid)
    if res.call(sid).get("callback") == "1":
        db.after_commit(_enqueue_callback, sid, agent_id, f"routing-callback-{sid}-{agent_id}", session=session)
    else:
        # The caller also leaves on their next waitUrl request; the redirect just saves those seconds.
        db.after_commit(_enqueue_pull, sid, agent_id, session=session)
    log.info("agent %s reserved for a waiting caller", agent_id, extra={"call_sid": sid})
    return sid


def free_after_commit(session: Session, res: Reservations, agent_id: int) -> None:
    """`agent_freed` once the agent's new status is committed, in a transaction of its own: the
    record of what freed them stands even if offering them the next caller fails."""
    db.after_commit(_free, session, res, agent_id, session=session)


def _free(session: Session, res: Reservations, agent_id: int) -> None:
    try:
        agent_freed(session, res, agent_id)
    except RedisError:
        # The agent is available in the live state: the next waiting caller's check reserves them.
        log.warning("Redis unavailable; agent %s waits for the next caller's check", agent_id, exc_info=True)


def _enqueue_callback(sid: str, agent_id: int, job_id: str) -> None:
    jobs.enqueue(CONNECT_CALLBACK, sid, agent_id, job_id=job_id)


def _enqueue_pull(sid: str, agent_id: int) -> None:
    jobs.enqueue(PULL_FROM_QUEUE, sid, job_id=f"routing-pull-{sid}-{agent_id}")


def call_over(session: Session, sid: str) -> None:
    """The caller's call is over (their Dial or queue ended): mark it completed (forward only, so
    /voice/status never repeats it) and announce its end after the commit."""
    call = ensure_call(session, sid, {}, apply_call_status=False)
    apply_status(session, call, "completed")
    if call.is_final:
        db.after_commit(announce_call_end, session, call, session=session)
