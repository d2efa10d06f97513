"""Scheduling revisits: the first attempt after resolution, retries, the SMS fallback, expiry.

The schedule lives in the `revisits` table; an RQ job (`revisit-<ticket>-<attempt>`) is only the
alarm clock, and the sweeper sets a new one for any due revisit whose job is gone.
"""
from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline import db, jobs
from hotline.calendar import get_calendar
from hotline.clock import now
from hotline.contracts import ResolvedTicket
from revisits.models import OPEN_STATES, Revisit
from revisits.states import move
from revisits.window import CallingHours, first_revisit_time, next_calling_time, retry_time

log = logging.getLogger(__name__)


def calling_hours(timezone: str) -> CallingHours:
    settings = current_app.config["HOTLINE_SETTINGS"]
    start, end = settings.calling_hours
    return CallingHours(timezone, start, end, get_calendar().holidays)


def job_id(revisit: Revisit, attempt: int) -> str:
    # RQ allows letters, digits, "-" and "_" in job ids.
    ticket = str(revisit.ticket_id) if revisit.round == 1 else f"{revisit.ticket_id}_{revisit.round}"
    return f"revisit-{ticket}-{attempt}"


def schedule_revisit(session: Session, ticket: ResolvedTicket) -> Revisit | None:
    """Create the revisit of this resolution and set its alarm once the caller commits; an open one
    is returned as it is."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    existing = session.scalars(select(Revisit).where(Revisit.ticket_id == ticket.id,
                                                     Revisit.state.in_(OPEN_STATES))).first()
    if existing is not None:
        return existing
    timezone = ticket.timezone or settings.timezone
    first, deadline = first_revisit_time(ticket.resolved_at, calling_hours(timezone))
    last_round = session.scalar(select(func.max(Revisit.round)).where(Revisit.ticket_id == ticket.id)) or 0
    revisit = Revisit(ticket_id=ticket.id, round=last_round + 1, ticket_number=ticket.number, phone=ticket.phone,
                      language=ticket.language if ticket.language in ("zh-CN", "en-US") else settings.default_language,
                      timezone=timezone, category=ticket.category, agent_id=ticket.agent_id,
                      salutation_zh=ticket.salutation_zh, salutation_en=ticket.salutation_en,
                      state="scheduled" if first else "expired", due_at=first, resolved_at=ticket.resolved_at,
                      deadline_at=deadline, call_attempts=settings.revisit_attempts,
                      last_outcome=None if first else "no-calling-time")
    try:
        with session.begin_nested():
            session.add(revisit)
    except IntegrityError:  # the same resolution announced twice at once: the other one won
        return session.scalars(select(Revisit).where(Revisit.ticket_id == ticket.id)
                               .order_by(Revisit.round.desc())).first()
    if first:
        db.after_commit(_alarm_or_leave, revisit, session=session)
    return revisit


def _alarm_or_leave(revisit: Revisit) -> None:
    try:
        set_alarm(revisit)
    except RedisError:
        # The committed row is the schedule of record: the sweep sets the alarm once the revisit is
        # due and has no job. The resolution that announced it (a PATCH) must not fail for this.
        log.warning("revisit %s: alarm not set (%s); the sweep will", revisit.id, "Redis unavailable")


def set_alarm(revisit: Revisit, *, immediately: bool = False):
    """Enqueue the job for the revisit's next attempt at its due time (idempotent by job id)."""
    # local import: a loop in the domain, not in the layout: scheduling enqueues the dialer's job and
    # the dialer schedules the next attempt (schedule_next_attempt, below). This import closes it;
    # listed in pyproject's acyclic contract.
    from revisits.dialer import run_revisit_attempt

    attempt = revisit.attempts + 1
    at = None if immediately or revisit.due_at is None or revisit.due_at <= now() else revisit.due_at
    return jobs.enqueue(run_revisit_attempt, revisit.id, attempt, queue="outbound", job_id=job_id(revisit, attempt),
                        at=at, retry=jobs.NETWORK_RETRY, timeout=600)


def schedule_next_attempt(session: Session, revisit: Revisit, attempt: int, outcome: str,
                          from_states: tuple[str, ...]) -> bool:
    """After attempt `attempt` ended without a conversation: the next call, the SMS, or expiry."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    hours = calling_hours(revisit.timezone)
    moment = now()
    attempts = attempt
    due: datetime | None = None
    if attempt < revisit.call_attempts:
        due = retry_time(moment, revisit.deadline_at, hours, settings.revisit_retry_minutes)
    if due is None and attempt <= revisit.call_attempts:
        # No call left (or none fits before the deadline): the SMS survey is next.
        attempts = revisit.call_attempts
        due = next_calling_time(moment, revisit.deadline_at, hours)
    if due is None:
        return move(session, revisit.id, from_states, "expired", attempt=attempt, last_outcome=outcome,
                    due_at=None, claimed_at=None)
    moved = move(session, revisit.id, from_states, "scheduled", attempt=attempt, attempts=attempts, due_at=due,
                 last_outcome=outcome, call_sid=None, claimed_at=None)
    if moved:
        session.refresh(revisit)
        set_alarm(revisit)
    return moved
