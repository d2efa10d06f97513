"""What revisits asks of tickets (`hotline.contracts.TicketDesk`), over tickets' own models and
operations.

Reopening uses the tickets area's state machine and history, so the ticket shows who reopened
it and why, its resolution clock restarts, and ticket_reopened is announced after the commit.
"""
from __future__ import annotations

from hotline import db
from hotline.clock import now
from hotline.contracts import ResolvedTicket
from tickets import cases, sla
from tickets.history import record
from tickets.models import Ticket
from tickets.salutation import salutation

ACTOR = "system:revisit"


class RevisitDesk:
    def resolved_ticket(self, ticket_id: int) -> ResolvedTicket | None:
        ticket = db.session().get(Ticket, ticket_id)
        if ticket is None or ticket.status != "resolved":
            return None
        customer = ticket.customer
        if customer is None or not customer.phone:
            return None  # a ticket without a number to call (an API ticket for nobody) gets no revisit
        return ResolvedTicket(
            id=ticket.id, number=ticket.number, phone=customer.phone,
            language=ticket.language or customer.language or "zh-CN", timezone=customer.timezone,
            category=ticket.category, agent_id=ticket.assignee_id, resolved_at=ticket.resolved_at or now(),
            salutation_zh=salutation(customer.title, customer.surname, "zh-CN"),
            salutation_en=salutation(customer.title, customer.surname, "en-US"))

    def reopen_unsolved(self, ticket_id: int, *, note: str) -> None:
        session = db.session()
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            return
        if ticket.status in ("resolved", "closed"):
            cases.move_status(session, ticket, "reopened", ACTOR)
        cases.change_priority(session, ticket, sla.RAISED_PRIORITY[ticket.priority], ACTOR, reason=note)
        record(session, ticket, ACTOR, "revisit_not_solved", note=note)  # the caller's job commits
