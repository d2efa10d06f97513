"""Opening and changing tickets: numbers, due times, status moves, events, calls on tickets.

Every change writes a TicketEvent (who, when, what). Functions take the session and leave the
commit to the caller (the view or job); what they announce is sent after that commit
(`hotline.contracts.publish_after_commit`). How an
open ticket moves on (status, clocks, priority) is in `tickets.progress`.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.contracts import TicketCreated, publish_after_commit
from hotline.calendar import get_calendar
from hotline.db import dialect_insert
from hotline.clock import now
from tickets import directory, sla
from tickets.errors import TicketInputError
from tickets.customer_file import allocate_customer_number
from tickets.history import record
from tickets.models import CATEGORIES, Customer, Ticket, TicketCall
from tickets.notices import queue_customer_sms
from tickets.numbering import allocate_number
from tickets.sla_rules import current_sla_rules
# How an open ticket moves on lives in tickets.progress; other areas reach it through here too.
from tickets.progress import (change_priority, clock_of, mark_first_response, move_status,  # noqa: F401
                              set_waiting_customer)
from tickets.transitions import OPEN_STATUSES

SAME_ISSUE_WINDOW = timedelta(days=7)
# When nobody chose a priority: the manual's 紧急 for account security or outages, routine for
# questions and follow-ups, normal for the rest.
DEFAULT_PRIORITY = {"urgent": "urgent", "complaint": "normal", "problem": "normal",
                    "inquiry": "routine", "suggestion": "routine", "aftersales": "routine"}


def _settings():
    return current_app.config["HOTLINE_SETTINGS"]


def customer_for_phone(session: Session, phone: str, language: str | None = None) -> Customer:
    """The customer with this E.164 number, created on first contact (safe against a racing call)."""
    customer = session.scalars(select(Customer).where(Customer.phone == phone)).first()
    if customer is not None:
        directory.note(session, customer)
        return customer
    stamp = now()
    # A racing call that files the same new number first keeps its customer number; this one's is
    # then unused (a gap in the month's sequence, never a repeat).
    number = allocate_customer_number(session, stamp, _settings().timezone)
    session.execute(dialect_insert(session, Customer).values(
        phone=phone, language=language, vip=False, customer_number=number, created_at=stamp,
        updated_at=stamp).on_conflict_do_nothing(index_elements=["phone"]))
    customer = session.scalars(select(Customer).where(Customer.phone == phone)).one()
    directory.note(session, customer)  # the insert above is invisible to the ORM's change tracking
    return customer


def open_ticket(session: Session, *, category: str, actor: str, customer: Customer | None = None,
                priority: str | None = None, description: str = "", department: str | None = None,
                assignee_id: int | None = None, channel: str = "phone", language: str | None = None,
                callback_requested: bool = False, notify: bool = True) -> Ticket:
    """Open a ticket with its number and due times; the customer is texted its number unless
    `notify` is false (a callback request is texted the callback wording instead)."""
    if category not in CATEGORIES:
        raise TicketInputError("category", f"must be one of {', '.join(CATEGORIES)}")
    priority = priority or DEFAULT_PRIORITY[category]
    if priority not in sla.PRIORITIES:
        raise TicketInputError("priority", f"must be one of {', '.join(sla.PRIORITIES)}")
    settings = _settings()
    opened = now()
    response_due, resolution_due = sla.due_times(opened, priority, get_calendar(), category, current_sla_rules())
    ticket = Ticket(
        number=allocate_number(session, opened, settings.timezone), customer=customer, category=category,
        priority=priority, department=department, assignee_id=assignee_id, description=description,
        status="assigned" if assignee_id is not None else "new", channel=channel,
        language=language or (customer.language if customer else None) or settings.default_language,
        callback_requested=callback_requested, response_due=response_due, resolution_due=resolution_due,
        created_by=actor, created_at=opened, updated_at=opened)
    session.add(ticket)
    record(session, ticket, actor, "created", category=category, priority=priority, channel=channel,
           assignee_id=assignee_id, response_due=response_due.isoformat(),
           resolution_due=resolution_due.isoformat())
    session.flush()
    publish_after_commit(TicketCreated(ticket.id), session)
    if notify:
        queue_customer_sms(session, ticket, "callback" if callback_requested else "created", actor)
    return ticket


def open_ticket_of(session: Session, customer_id: int, category: str) -> Ticket | None:
    """The caller's most recent open ticket of `category` from the last 7 days, if any."""
    since = now() - SAME_ISSUE_WINDOW
    return session.scalars(
        select(Ticket).where(Ticket.customer_id == customer_id, Ticket.category == category,
                             Ticket.status.in_(OPEN_STATUSES), Ticket.created_at >= since)
        .order_by(Ticket.created_at.desc()).limit(1)).first()


def attach_call(session: Session, ticket: Ticket, call_sid: str, reason: str, actor: str) -> TicketCall:
    """File the call on `ticket`; a call already on a ticket stays where it is."""
    existing = session.scalars(select(TicketCall).where(TicketCall.call_sid == call_sid)).first()
    if existing is not None:
        return existing
    link = TicketCall(ticket=ticket, call_sid=call_sid, reason=reason, attached_by=actor, attached_at=now())
    session.add(link)
    record(session, ticket, actor, "call_attached", call_sid=call_sid, reason=reason)
    ticket.updated_at = now()  # bumps the version: the ticket's view changed
    return link


def move_call(session: Session, call_sid: str, target: Ticket, actor: str) -> TicketCall:
    link = session.scalars(select(TicketCall).where(TicketCall.call_sid == call_sid)).first()
    if link is None:
        return attach_call(session, target, call_sid, "moved", actor)
    if link.ticket_id == target.id:
        return link
    source = link.ticket
    record(session, source, actor, "call_moved_out", call_sid=call_sid, to=target.number)
    record(session, target, actor, "call_moved_in", call_sid=call_sid, **{"from": source.number})
    source.updated_at = now()
    target.updated_at = now()
    link.ticket = target
    link.reason = "moved"
    link.attached_by = actor
    link.attached_at = now()
    return link
