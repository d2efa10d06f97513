"""The screen pop: who is calling, how they got here, and their case history.

Reads the shared call records (hotline.models), and asks routing for the queue entry
(AgentDesk) and tickets for the customer, their tickets and how to address them (CaseFiles,
Salutations). Each part is optional: a caller we do not know, or a call that skipped the
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
from hotline.contracts import CaseFiles, CustomerCard, Salutations, need, provided
from hotline.models import Call, CallEvent


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
    path, handed = ivr_path_and_transfer(session, call)
    return {
        "sid": call.sid,
        "number": mask_number(call.from_number),
        "language": language,
        "status": call.status,
        "customer": {"name": customer.name,
                     "addressed": _addressed(language, customer),
                     "customer_number": customer.customer_number, "vip": customer.vip,
                     "title": customer.title, "surname": customer.surname, "language": customer.language,
                     "contact_time": customer.contact_time,
                     "identity_confirmed": customer.identity_confirmed} if customer else None,
        "ivr_path": path,
        "queue": queue,
        "waited_seconds": seconds_between(entered, answered or now()) if entered else None,
        "answered_at": _iso(call.answered_at),
        "ticket": _ticket_card(session, ticket, with_notes=True) if ticket else None,
        "open_tickets": [_ticket_card(session, t) for t in _open_tickets(session, customer, ticket)],
        "last_contacts": last_contacts(session, call),
        "transfer": handed,
    }


def ivr_path_and_transfer(session: Session, call: Call) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The caller's steps through the menu, as the IVR recorded them, and the call's latest transfer
    (who handed it on, and their note for the receiving agent): one read of the call's events."""
    events = session.scalars(select(CallEvent).where(CallEvent.call_id == call.id,
                                                     CallEvent.kind.in_(("ivr", "transfer")))
                             .order_by(CallEvent.id)).all()
    path = [{"at": e.at.isoformat(), "node": e.data.get("node"), "input": e.data.get("input") or None,
             "via": e.data.get("via") or None, "result": e.data.get("result") or None}
            for e in events if e.kind == "ivr"]
    transfer = next((e for e in reversed(events) if e.kind == "transfer"), None)
    handed = None if transfer is None else {
        "at": transfer.at.isoformat(), "by": transfer.data.get("by"), "from_agent_id": transfer.data.get("agent_id"),
        "mode": transfer.data.get("mode"), "note": transfer.data.get("note")}
    return path, handed


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


def _case_files() -> CaseFiles | None:
    return provided(CaseFiles)


def _addressed(language: str, customer: CustomerCard | None) -> str:
    salutations = provided(Salutations)
    salutation = (salutations.salutation(customer.title, customer.surname, language)
                  if salutations is not None and customer is not None else None)
    return address_customer(language, salutation)


def _customer(session: Session, phone: str) -> CustomerCard | None:
    tickets = _case_files()
    return tickets.customer(session, phone) if tickets is not None and phone else None


def _ticket_of_call(session: Session, call_sid: str):
    tickets = _case_files()
    return tickets.ticket_of_call(session, call_sid) if tickets is not None else None


def _ticket_numbers(session: Session, sids: list[str]) -> dict[str, str]:
    tickets = _case_files()
    return tickets.ticket_numbers(session, sids) if tickets is not None and sids else {}


def _open_tickets(session: Session, customer: CustomerCard | None, current) -> list:
    tickets = _case_files()
    if customer is None or tickets is None:
        return []
    return tickets.open_tickets(session, customer.id, besides=current)


def _ticket_card(session: Session, ticket, with_notes: bool = False) -> dict[str, Any]:
    return need(CaseFiles).card(session, ticket, with_notes=with_notes)
