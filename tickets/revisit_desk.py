"""The desk over the tickets area's own models and operations (tickets.models, tickets.cases).

Reopening uses the tickets area's state machine and history, so the ticket shows who reopened
it and why, its resolution clock restarts, and ticket_reopened is announced after the commit.
"""
from __future__ import annotations

from hotline import db
from hotline.clock import now
from revisits.desk import ResolvedTicket

ACTOR = "system:revisit"
SALUTATIONS = {"mr": ("先生", "Mr"), "ms": ("女士", "Ms")}


class TicketsDesk:
    def resolved_ticket(self, ticket_id: int) -> ResolvedTicket | None:
        from tickets.models import Ticket

        ticket = db.session().get(Ticket, ticket_id)
        if ticket is None or ticket.status != "resolved":
            return None
        customer = ticket.customer
        if customer is None or not customer.phone:
            return None  # a ticket without a number to call (an API ticket for nobody) gets no revisit
        salutation_zh = salutation_en = None
        if customer.surname and customer.title in SALUTATIONS:
            zh, en = SALUTATIONS[customer.title]
            salutation_zh, salutation_en = f"{customer.surname}{zh}", f"{en} {customer.surname}"
        return ResolvedTicket(
            id=ticket.id, number=ticket.number, phone=customer.phone,
            language=ticket.language or customer.language or "zh-CN", timezone=customer.timezone,
            category=ticket.category, agent_id=ticket.assignee_id, resolved_at=ticket.resolved_at or now(),
            salutation_zh=salutation_zh, salutation_en=salutation_en)

    def reopen_unsolved(self, ticket_id: int, *, note: str) -> None:
        from tickets import cases, sla
        from tickets.history import record
        from tickets.models import Ticket

        session = db.session()
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            return
        if ticket.status in ("resolved", "closed"):
            cases.move_status(session, ticket, "reopened", ACTOR)
        cases.change_priority(session, ticket, sla.RAISED_PRIORITY[ticket.priority], ACTOR, reason=note)
        record(session, ticket, ACTOR, "revisit_not_solved", note=note)  # the caller's job commits
