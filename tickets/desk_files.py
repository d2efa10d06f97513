"""What the desk reads of customers and tickets (`hotline.contracts.CaseFiles`): the screen pop's
caller and cases, and the agent's resolutions today. Queries of tickets' own tables, run on the
desk's session; the desk never reads these tables itself."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.contracts import CustomerCard
from tickets.models import Customer, Ticket, TicketCall, TicketEvent
from tickets.presenters import ticket_dict
from tickets.transitions import OPEN_STATUSES

CARD_FIELDS = ("number", "version", "status", "category", "priority", "department", "assignee_id", "description",
               "resolution_summary", "sla", "created_at", "tier", "escalated_group", "handoff")


class DeskCaseFiles:
    def customer(self, session: Session, phone: str) -> CustomerCard | None:
        if not phone:
            return None
        found = session.scalars(select(Customer).where(Customer.phone == phone)).first()
        if found is None:
            return None
        return CustomerCard(found.id, found.name, found.title, found.surname, found.language, found.customer_number,
                            bool(found.vip), found.contact_time, found.identity_confirmed_at is not None)

    def ticket_of_call(self, session: Session, call_sid: str) -> Ticket | None:
        link = session.scalars(select(TicketCall).where(TicketCall.call_sid == call_sid)).first()
        return link.ticket if link else None

    def open_tickets(self, session: Session, customer_id: int, *, besides: Ticket | None,
                     limit: int = 5) -> list[Ticket]:
        query = select(Ticket).where(Ticket.customer_id == customer_id, Ticket.status.in_(sorted(OPEN_STATUSES)))
        if besides is not None:
            query = query.where(Ticket.id != besides.id)
        return list(session.scalars(query.order_by(Ticket.created_at.desc()).limit(limit)))

    def card(self, session: Session, ticket: Ticket, *, with_notes: bool = False) -> dict[str, Any]:
        full = ticket_dict(ticket, with_customer=False)  # the pop shows the customer once, above
        card = {k: full[k] for k in CARD_FIELDS}
        if with_notes:
            notes = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                              TicketEvent.kind == "note")
                                    .order_by(TicketEvent.id.desc()).limit(5)).all()
            card["notes"] = [{"at": n.at.isoformat(), "actor": n.actor, "text": n.data.get("text", "")}
                             for n in notes]
        return card

    def ticket_numbers(self, session: Session, call_sids: list[str]) -> dict[str, str]:
        if not call_sids:
            return {}
        rows = session.execute(select(TicketCall.call_sid, Ticket.number).join(Ticket)
                               .where(TicketCall.call_sid.in_(call_sids))).all()
        return {sid: number for sid, number in rows}

    def tickets_resolved(self, session: Session, actor: str, since: datetime) -> int:
        # Counted in the database through ix_ticket_events_actor_kind_at: the poll reads one number,
        # not every status event of the agent's day. A ticket resolved twice counts twice.
        return session.scalar(select(func.count()).select_from(TicketEvent).where(
            TicketEvent.actor == actor, TicketEvent.kind == "status", TicketEvent.at >= since,
            TicketEvent.data["status"].as_string() == "resolved")) or 0
