"""Calls becoming tickets: handlers of the IVR's and routing's events.

A routed call opens a ticket of its category, or joins the caller's open ticket of that category
from the last 7 days; a call about a given ticket number joins that ticket; an after-hours
voicemail becomes a ticket with a callback request; an agent answering is the first response.
Receivers run inside the sender's webhook, so they never raise: a caller must not hear an error
because filing failed (it is logged, and the call can be filed from the API).
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline import db
from hotline.contracts import CallAnswered, CallRouted, VoicemailLeft
from hotline.models import FINAL_CALL_STATUSES, Call
from tickets import cases, follow_up, progress, sla
from tickets.history import record
from tickets.models import CATEGORIES, Ticket, TicketCall
from tickets.notices import page_supervisor
from hotline.phone import try_normalise

log = logging.getLogger(__name__)
# The IVR's queue priority runs 1-10 (higher answered first); from 8 up the caller chose an emergency.
URGENT_QUEUE_PRIORITY = 8
VOICEMAIL_TEXT = {"zh-CN": "非工作时间来电留言，请回电。", "en-US": "After-hours voicemail: please call back."}


def _caller(session, call_sid: str, language: str | None):
    call = session.scalars(select(Call).where(Call.sid == call_sid)).first()
    phone = try_normalise(call.from_number if call else None, current_app.config["HOTLINE_SETTINGS"].default_country_code)
    if phone is None:
        return None
    customer = cases.customer_for_phone(session, phone, language)
    if customer.language is None and language:
        customer.language = language
    return customer


def ticket_priority(category: str, priority: object) -> str:
    if isinstance(priority, str) and priority in sla.PRIORITIES:
        return priority
    try:
        level = int(priority)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        level = 0
    return "urgent" if level >= URGENT_QUEUE_PRIORITY else cases.DEFAULT_PRIORITY[category]


def _file_call(call_sid: str, category: str, priority: object, language: str | None,
               ticket_number: str | None) -> Ticket:
    session = db.session()
    link = session.scalars(select(TicketCall).where(TicketCall.call_sid == call_sid)).first()
    if link is not None:
        return link.ticket  # a repeated or later routing of a call already filed
    if ticket_number:
        ticket = session.scalars(select(Ticket).where(Ticket.number == ticket_number)).first()
        if ticket is not None:
            cases.attach_call(session, ticket, call_sid, "status_call", "caller")
            return ticket
    if category not in CATEGORIES:
        log.warning("call routed to unknown category %r; filed as an inquiry", category)
        category = "inquiry"
    customer = _caller(session, call_sid, language)
    ticket = cases.open_ticket_of(session, customer.id, category) if customer else None
    if ticket is not None:
        cases.attach_call(session, ticket, call_sid, "same_issue", "caller")
        return ticket
    # The "we will contact you" notice waits for the call's outcome (tickets.follow_up): an inquiry
    # answered on the spot needs none.
    ticket = cases.open_ticket(session, category=category, priority=ticket_priority(category, priority),
                               actor="caller", customer=customer, channel="phone", language=language, notify=False)
    cases.attach_call(session, ticket, call_sid, "new_ticket", "caller")
    follow_up.await_outcome(ticket)
    call = session.scalars(select(Call).where(Call.sid == call_sid)).first()
    if call is not None and call.status in FINAL_CALL_STATUSES:
        # Filed after the call ended (its CallEnded came first): nothing else will ask for the decision.
        session.flush()
        db.after_commit(follow_up.enqueue_decision, ticket.id, call_sid, session=session)
    return ticket


def _commit_filing(session, what: str, call_sid: str, work) -> Ticket | None:
    """Run `work` in a savepoint and commit: a handler owns its transaction, as a job does (events
    are published after the publisher's commit). A failure undoes only the filing, and the savepoint's
    rollback drops what the filing would have announced (hotline.db.after_commit)."""
    try:
        with session.begin_nested():
            ticket = work()
    except IntegrityError:
        # The same call filed at once by another process: theirs stands, nothing is lost.
        link = session.scalars(select(TicketCall).where(TicketCall.call_sid == call_sid)).first()
        return link.ticket if link else None
    except Exception:
        log.exception("could not file the %s on a ticket", what, extra={"call_sid": call_sid})
        return None
    try:
        # What follows the filing (notices, TicketCreated's handlers) runs in this commit and never
        # raises from it: a failure there is logged and cannot turn the hand-over into an error.
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not commit the %s's ticket", what, extra={"call_sid": call_sid})
        return None
    return ticket


def on_call_routed(event: CallRouted) -> None:
    call_sid, category, priority = event.call_sid, event.category, event.priority
    language, ticket_number = event.language, event.ticket_number
    session = db.session()
    ticket = _commit_filing(session, "call", call_sid,
                            lambda: _file_call(call_sid, category, priority, language, ticket_number))
    if ticket is not None:
        log.info("call filed on %s", ticket.number, extra={"call_sid": call_sid})


def _file_voicemail(call_sid: str, recording_sid: str, language: str | None, category: str | None = None,
                    priority: object = None) -> Ticket:
    session = db.session()
    link = session.scalars(select(TicketCall).where(TicketCall.call_sid == call_sid)).first()
    if link is not None:
        ticket = link.ticket
        ticket.callback_requested = True
        record(session, ticket, "caller", "voicemail", call_sid=call_sid, recording_sid=recording_sid)
        return ticket
    customer = _caller(session, call_sid, language)
    language = language or (customer.language if customer else None) or "zh-CN"
    if category not in CATEGORIES:
        # A message from before the menu knew the need (or from an old action URL): a callback inquiry.
        category, chosen = "inquiry", "normal"
    else:
        chosen = ticket_priority(category, priority)
    ticket = cases.open_ticket(session, category=category, priority=chosen, actor="caller", customer=customer,
                               channel="voicemail", language=language, callback_requested=True,
                               description=VOICEMAIL_TEXT.get(language, VOICEMAIL_TEXT["zh-CN"]))
    cases.attach_call(session, ticket, call_sid, "voicemail", "caller")
    record(session, ticket, "caller", "voicemail", call_sid=call_sid, recording_sid=recording_sid)
    if ticket.priority == "urgent":
        # 夜班: 紧急情况立即处理并汇报. Nobody could answer, so the supervisor on call hears of it now.
        page_supervisor(session, ticket)
    return ticket


def on_voicemail_left(event: VoicemailLeft) -> None:
    _commit_filing(db.session(), "voicemail", event.call_sid,
                   lambda: _file_voicemail(event.call_sid, event.recording_sid, event.language, event.category,
                                           event.priority))


def _record_answer(call_sid: str, agent_id: int | None) -> Ticket | None:
    session = db.session()
    sids = [call_sid]
    call = session.scalars(select(Call).where(Call.sid == call_sid)).first()
    if call is not None and call.parent_sid:
        sids.append(call.parent_sid)  # the agent's leg; the caller's call is its parent
    link = session.scalars(select(TicketCall).where(TicketCall.call_sid.in_(sids))).first()
    if link is None:
        return None
    ticket = link.ticket
    actor = f"agent:{agent_id}" if agent_id is not None else "system"
    progress.mark_first_response(ticket)
    record(session, ticket, actor, "call_answered", call_sid=call_sid, agent_id=agent_id)
    if ticket.assignee_id is None and agent_id is not None:
        ticket.assignee_id = agent_id
        if ticket.status in {"new", "reopened"}:
            progress.move_status(session, ticket, "assigned", actor)
    return ticket


def on_call_answered(event: CallAnswered) -> None:
    """An agent picked up a call filed on a ticket: that is its first response, and theirs if unowned."""
    _commit_filing(db.session(), "answer", event.call_sid, lambda: _record_answer(event.call_sid, event.agent_id))
