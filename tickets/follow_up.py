"""The "we will contact you by ..." SMS for a ticket a routed call opened, only when it needs follow-up.

At routing time nobody knows whether the agent will answer the inquiry on the spot (即时解答) or pass
it on (协调处理: "相关部门会在[时间]内联系您"). So a ticket a call opens is marked
`follow_up_notice = 'pending'` and texted nothing. When the caller's call ends (CallEnded) a job
waits for the agent's wrap-up on that call to end (routing's `AgentDesk` says when), then decides
once: still open, the `created` notice with its number and promised time is sent (`sent`);
resolved or closed on the call, nothing (`not_needed`). The decision is written with the ticket's
version check, so duplicate or out-of-order callbacks, repeated jobs and the sweep text once.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from hotline import db, jobs
from hotline.clock import now
from hotline.contracts import AgentDesk, CallEnded, provided
from hotline.models import FINAL_CALL_STATUSES, Call
from tickets.history import record
from tickets.models import Ticket, TicketCall
from tickets.notices import queue_customer_sms

log = logging.getLogger(__name__)
PENDING, SENT, NOT_NEEDED = "pending", "sent", "not_needed"
FOLLOWED_UP = frozenset({"resolved", "closed"})  # solved on the call: nobody needs to contact them
AGENT_ON_THE_CALL = frozenset({"reserved", "on_call", "wrap_up"})
RECHECK = timedelta(seconds=30)  # an agent still on the call: look again this much later
# A wrap-up that never ends (a stuck agent, a status nobody changed) does not hold the customer's
# notice for good: this long after the call, it is decided on the ticket as it is.
MAX_WAIT = timedelta(minutes=10)
MAX_CHECKS = 40
SWEEP_AFTER = timedelta(minutes=10)  # a pending decision this old lost its job (Redis flushed): enqueue again


def job_id(ticket_id: int, check: int) -> str:
    return f"ticket-follow-up-{ticket_id}-{check}"


def await_outcome(ticket: Ticket) -> None:
    """The ticket was opened by a routed call: its notice waits for the call's outcome."""
    ticket.follow_up_notice = PENDING


def on_call_ended(event: CallEnded) -> None:
    """The caller's call is over: decide (after the agent's wrap-up) whether to text them."""
    session = db.session()
    ticket_id = session.scalars(select(TicketCall.ticket_id).join(Ticket)
                                .where(TicketCall.call_sid == event.call_sid, Ticket.follow_up_notice == PENDING)
                                ).first()
    if ticket_id is not None:
        enqueue_decision(ticket_id, event.call_sid)


def enqueue_decision(ticket_id: int, call_sid: str, check: int = 0, at: datetime | None = None) -> None:
    try:
        jobs.enqueue(decide_follow_up_notice, ticket_id, call_sid, check, job_id=job_id(ticket_id, check), at=at,
                     retry=jobs.NETWORK_RETRY)
    except RedisError:
        log.warning("follow-up notice of ticket %s not enqueued (Redis unavailable); the sweep will", ticket_id)


def _call_end(session, call_sid: str) -> datetime | None:
    """When the call ended (now, for a call we have no row of); None while it goes on."""
    row = session.execute(select(Call.status, Call.ended_at, Call.updated_at).where(Call.sid == call_sid)).first()
    if row is None:
        return now()
    return (row.ended_at or row.updated_at) if row.status in FINAL_CALL_STATUSES else None


def _agent_busy_until(session, ticket: Ticket, call_sid: str, ended: datetime) -> datetime | None:
    """When to look again if the ticket's agent is still on this call or wrapping it up; else None."""
    desk = provided(AgentDesk)
    if desk is None or ticket.assignee_id is None or now() >= ended + MAX_WAIT:
        return None
    presence = desk.agent_presence(session, ticket.assignee_id)
    if presence is None or presence.call_sid != call_sid or presence.status not in AGENT_ON_THE_CALL:
        return None
    if presence.status == "wrap_up" and presence.wrap_up_until is not None and presence.wrap_up_until > now():
        return min(presence.wrap_up_until + timedelta(seconds=1), ended + MAX_WAIT)
    return min(now() + RECHECK, ended + MAX_WAIT)


def decide_follow_up_notice(ticket_id: int, call_sid: str, check: int = 0) -> str:
    """RQ job: text "we will contact you by ..." if the ticket is still open after the call; once."""
    session = db.session()
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or ticket.follow_up_notice != PENDING:
        return "decided already"
    ended = _call_end(session, call_sid)
    if ended is None:
        return "the call is not over"  # its CallEnded (or the sweep) comes back
    if ticket.status not in FOLLOWED_UP and check < MAX_CHECKS:
        until = _agent_busy_until(session, ticket, call_sid, ended)
        if until is not None:
            session.rollback()
            enqueue_decision(ticket_id, call_sid, check + 1, at=until)
            return "waiting for the agent's wrap-up"
    needed = ticket.status not in FOLLOWED_UP
    try:
        ticket.follow_up_notice = SENT if needed else NOT_NEEDED
        record(session, ticket, "system", "follow_up_notice", outcome=ticket.follow_up_notice, call_sid=call_sid)
        if needed:
            queue_customer_sms(session, ticket, "created", "system")
        session.commit()
    except StaleDataError:
        # Another job decided first, or someone edited the ticket meanwhile: RQ runs this again,
        # and it finds the decision made or makes it on the ticket as it is now.
        session.rollback()
        raise
    return ticket.follow_up_notice


def sweep_follow_up_notices(limit: int = 200) -> int:
    """Enqueue again the decisions whose job was lost; for the tickets' sweep. Returns how many."""
    session = db.session()
    rows = session.execute(select(Ticket.id, TicketCall.call_sid).join(TicketCall, TicketCall.ticket_id == Ticket.id)
                           .where(Ticket.follow_up_notice == PENDING, Ticket.created_at < now() - SWEEP_AFTER,
                                  TicketCall.reason == "new_ticket")
                           .order_by(Ticket.created_at).limit(limit)).all()
    session.rollback()
    for ticket_id, call_sid in rows:
        enqueue_decision(ticket_id, call_sid)
    return len(rows)
