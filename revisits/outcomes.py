"""What a revisit call's webhooks record: who answered, the answers, how the call ended.

Twilio repeats requests and callbacks; each function moves the revisit only from the state it
expects, so a repeat changes nothing (and never reopens a ticket twice).
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from hotline import db, jobs
from hotline.clock import now
from hotline.contracts import TicketDesk, need
from revisits.contact_time import read_contact_time
from revisits.models import Revisit, RevisitAttempt
from revisits.schedule import calling_hours, schedule_next_attempt, set_alarm
from revisits.states import move
from revisits.window import next_calling_time, reschedule_time

log = logging.getLogger(__name__)
MACHINE_ANSWERS = frozenset({"machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax"})
NO_CONVERSATION = frozenset({"busy", "no-answer", "failed", "canceled"})
CALL_STATES = ("calling", "answered", "machine")
NOT_CONVENIENT = "not-convenient"
# A customer who says "not now" a third time gets the SMS survey instead, to answer when it suits.
MAX_RESCHEDULES = 2


def revisit_for_call(session: Session, revisit_id: int | None, attempt: int | None, call_sid: str) -> Revisit | None:
    """The revisit this call belongs to, or None for a stale or foreign call."""
    revisit = session.get(Revisit, revisit_id) if revisit_id else None
    if revisit is None or revisit.attempts != attempt or not call_sid:
        return None
    if revisit.call_sid is None and revisit.state in CALL_STATES:
        # The worker may have died between dialing and storing the CallSid: adopt it from Twilio.
        move(session, revisit.id, CALL_STATES, attempt=attempt, where=(Revisit.call_sid.is_(None),), call_sid=call_sid)
        session.refresh(revisit)
    return revisit if revisit.call_sid == call_sid else None


def _attempt_row(revisit: Revisit, attempt: int) -> RevisitAttempt | None:
    return next((a for a in revisit.attempt_log if a.attempt == attempt), None)


def record_answer(session: Session, revisit: Revisit, answered_by: str) -> bool:
    """Note who picked up; True when it is a person to talk to."""
    machine = answered_by in MACHINE_ANSWERS
    move(session, revisit.id, ("calling",), "machine" if machine else "answered", attempt=revisit.attempts)
    session.refresh(revisit)
    row = _attempt_row(revisit, revisit.attempts)
    if row is not None and row.outcome is None:
        row.outcome, row.answered_by, row.sid = ("machine" if machine else "answered"), answered_by or None, revisit.call_sid
        session.commit()
    return revisit.state == "answered"


def record_call_end(session: Session, revisit: Revisit, status: str) -> None:
    attempt = revisit.attempts
    row = _attempt_row(revisit, attempt)
    if row is not None and row.ended_at is None:
        row.ended_at = now()
        if row.outcome is None:
            row.outcome = status if status in NO_CONVERSATION else "no-answer"
        session.commit()
    if revisit.state == "answered":
        if revisit.solved is not None or revisit.score is not None:
            move(session, revisit.id, ("answered",), "completed", attempt=attempt, channel="call", completed_at=now())
        else:  # hung up before answering anything: try again like an unanswered call
            schedule_next_attempt(session, revisit, attempt, "hung-up", ("answered",))
    elif revisit.state == "machine":
        schedule_next_attempt(session, revisit, attempt, "machine", ("machine",))
    elif revisit.state == "calling":
        schedule_next_attempt(session, revisit, attempt, status if status in NO_CONVERSATION else "no-answer",
                              ("calling",))


def reschedule_inconvenient(session: Session, revisit: Revisit) -> str | None:
    """现在不方便: end this attempt and plan the next one later, in the customer's preferred contact time
    when the window holds one. Returns "call" or "sms" (what comes next), or None when the revisit had
    moved on already (a repeated request). The next call does not use up one of the planned calls."""
    moment = now()
    attempt = revisit.attempts
    earlier = sum(1 for a in revisit.attempt_log if a.outcome == NOT_CONVENIENT and a.attempt != attempt)
    hours = calling_hours(revisit.timezone)
    due = None
    if earlier < MAX_RESCHEDULES:
        ticket = need(TicketDesk).resolved_ticket(revisit.ticket_id)
        due = reschedule_time(moment, revisit.deadline_at, hours,
                              read_contact_time(ticket.contact_time if ticket is not None else None))
    channel, planned_calls = ("call", revisit.call_attempts + 1) if due is not None else ("sms", attempt)
    if due is None:  # no later calling time, or asked often enough: the SMS survey, now
        due = next_calling_time(moment, revisit.deadline_at, hours) or moment
    if not move(session, revisit.id, ("answered",), "scheduled", attempt=attempt, commit=False,
                where=(Revisit.solved.is_(None), Revisit.score.is_(None)), due_at=due, last_outcome=NOT_CONVENIENT,
                call_attempts=planned_calls, claimed_at=None):
        session.rollback()
        return None
    row = _attempt_row(revisit, attempt)
    if row is not None:
        row.outcome = NOT_CONVENIENT
    session.commit()
    session.refresh(revisit)
    set_alarm(revisit)
    try:
        need(TicketDesk).record_revisit_rescheduled(revisit.ticket_id, due_at=due, channel=channel)
        session.commit()
    except Exception:  # the reschedule stands; the ticket's note of it is logged as lost
        session.rollback()
        log.exception("the revisit's new time could not be kept on its ticket", extra={"revisit": revisit.id})
    return channel


def record_solved(session: Session, revisit: Revisit, solved: bool, from_states=("answered",)) -> None:
    """Store "was it solved"; a first "no" reopens the ticket with raised priority."""
    if move(session, revisit.id, from_states, where=(Revisit.solved.is_(None),), solved=solved) and not solved:
        reopen_ticket(session, revisit)
    session.refresh(revisit)


def reopen_ticket(session: Session, revisit: Revisit) -> None:
    if not move(session, revisit.id, ("answered", "sms_sent", "completed"), where=(Revisit.reopened.is_(False),),
                reopened=True):
        return
    try:
        reopen_through_desk(revisit.id)
    except Exception:  # the caller must still hear an answer; a job keeps trying
        log.exception("reopening the ticket failed; retrying in the background")
        jobs.enqueue(reopen_through_desk, revisit.id, job_id=f"revisit-reopen-{revisit.id}",
                     retry=jobs.Retry(max=10, interval=60))


def reopen_through_desk(revisit_id: int) -> None:
    session = db.session()
    revisit = session.get(Revisit, revisit_id)
    by_sms = revisit.channel == "sms" or revisit.state == "sms_sent"
    need(TicketDesk).reopen_unsolved(revisit.ticket_id, note=f"{'短信' if by_sms else '电话'}回访：客户反馈问题未解决 "
                                                       f"(revisit {revisit.id}: the customer says it is not solved)")
    session.commit()


def record_score(session: Session, revisit: Revisit, score: int, channel: str, from_states=("answered",),
                 words: str = "") -> bool:
    done = move(session, revisit.id, from_states, "completed", score=score, channel=channel, completed_at=now())
    session.refresh(revisit)
    if done:
        tell_ticket(session, revisit, score=score, words=words, channel=channel)
    return done


def tell_ticket(session: Session, revisit: Revisit, *, score: int | None, words: str, channel: str) -> None:
    """Keep the answer (and the customer's own words) on the ticket; satisfied and solved closes it.
    The revisit's own state is committed already: a failure here is logged, never lost silently."""
    try:
        need(TicketDesk).record_revisit(revisit.ticket_id, score=score, solved=revisit.solved, words=words,
                                        channel=channel)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("the revisit's answer could not be kept on its ticket", extra={"revisit": revisit.id})


def record_transfer(session: Session, revisit: Revisit) -> None:
    move(session, revisit.id, ("answered",), "completed", transferred=True, channel="call", completed_at=now())
