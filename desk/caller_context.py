"""The screen pop: who is calling, how they got here, and their case history.

Reads the shared call records (hotline.models), routing's queue entry and the tickets area's
customers and tickets. Each part is optional: a caller we do not know, or a call that skipped the
IVR, still gets a pop with what there is.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk import presence
from desk.screen import address_customer, mask_number, seconds_between
from hotline.clock import now
from hotline.models import Call, CallEvent

OPEN_STATUSES = ("new", "assigned", "in_progress", "reopened")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def screen_pop(session: Session, call_sid: str, default_language: str,
               entry: presence.QueueEntry | None | bool = True) -> dict[str, Any] | None:
    """`entry`: the call's queue entry when the caller already read it (the desk poll's presence
    did), so each poll reads it once; True reads it here."""
    call = session.scalars(select(Call).where(Call.sid == call_sid)).first()
    if call is None:
        return None
    customer = _customer(session, call.from_number)
    language = call.language or (customer.language if customer else None) or default_language
    if entry is True:
        entry = presence.queue_entry(session, call_sid) if presence.routing_ready() else None
    queue, entered, answered = entry if entry else (None, None, None)
    ticket = _ticket_of_call(session, call_sid)
    return {
        "sid": call.sid,
        "number": mask_number(call.from_number),
        "language": language,
        "status": call.status,
        "customer": {"name": customer.name,
                     "addressed": address_customer(language, customer.surname, customer.title),
                     "customer_number": customer.customer_number, "vip": customer.vip} if customer else None,
        "ivr_path": ivr_path(session, call),
        "queue": queue,
        "waited_seconds": seconds_between(entered, answered or now()) if entered else None,
        "answered_at": _iso(call.answered_at),
        "ticket": _ticket_card(session, ticket, with_notes=True) if ticket else None,
        "open_tickets": [_ticket_card(session, t) for t in _open_tickets(session, customer, ticket)],
        "last_contacts": last_contacts(session, call),
    }


def ivr_path(session: Session, call: Call) -> list[dict[str, Any]]:
    """The caller's steps through the menu, as the IVR recorded them."""
    events = session.scalars(select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.kind == "ivr")
                             .order_by(CallEvent.id)).all()
    return [{"at": e.at.isoformat(), "node": e.data.get("node"), "input": e.data.get("input") or None,
             "via": e.data.get("via") or None, "result": e.data.get("result") or None} for e in events]


def last_contacts(session: Session, call: Call, limit: int = 5) -> list[dict[str, Any]]:
    """The caller's earlier calls (newest first), with the ticket each was filed on."""
    if not call.from_number:
        return []
    earlier = session.scalars(select(Call).where(Call.from_number == call.from_number, Call.id != call.id,
                                                 Call.direction == "inbound")
                              .order_by(Call.created_at.desc()).limit(limit)).all()
    numbers = _ticket_numbers(session, [c.sid for c in earlier])
    return [{"at": c.created_at.isoformat(), "status": c.status, "duration_seconds": c.duration_seconds,
             "ticket": numbers.get(c.sid)} for c in earlier]


def _customer(session: Session, phone: str):
    try:
        from tickets.models import Customer
    except ImportError:
        return None
    return session.scalars(select(Customer).where(Customer.phone == phone)).first() if phone else None


def _ticket_of_call(session: Session, call_sid: str):
    try:
        from tickets.models import TicketCall
    except ImportError:
        return None
    link = session.scalars(select(TicketCall).where(TicketCall.call_sid == call_sid)).first()
    return link.ticket if link else None


def _ticket_numbers(session: Session, sids: list[str]) -> dict[str, str]:
    try:
        from tickets.models import Ticket, TicketCall
    except ImportError:
        return {}
    if not sids:
        return {}
    rows = session.execute(select(TicketCall.call_sid, Ticket.number).join(Ticket)
                           .where(TicketCall.call_sid.in_(sids))).all()
    return {sid: number for sid, number in rows}


def _open_tickets(session: Session, customer, current) -> list:
    if customer is None:
        return []
    from tickets.models import Ticket

    query = select(Ticket).where(Ticket.customer_id == customer.id, Ticket.status.in_(OPEN_STATUSES))
    if current is not None:
        query = query.where(Ticket.id != current.id)
    return list(session.scalars(query.order_by(Ticket.created_at.desc()).limit(5)))


def _ticket_card(session: Session, ticket, with_notes: bool = False) -> dict[str, Any]:
    from tickets.presenters import ticket_dict

    card = ticket_dict(ticket)
    card = {k: card[k] for k in ("number", "version", "status", "category", "priority", "department",
                                 "assignee_id", "description", "resolution_summary", "sla", "created_at")}
    if with_notes:
        from tickets.models import TicketEvent

        notes = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                          TicketEvent.kind == "note")
                                .order_by(TicketEvent.id.desc()).limit(5)).all()
        card["notes"] = [{"at": n.at.isoformat(), "actor": n.actor, "text": n.data.get("text", "")} for n in notes]
    return card
