"""What revisits asks of tickets (`hotline.contracts.TicketDesk`), over tickets' own models and
operations.

Reopening uses the tickets area's state machine and history, so the ticket shows who reopened
it and why, its resolution clock restarts, and ticket_reopened is announced after the commit.
"""
from __future__ import annotations

from datetime import datetime

from hotline import db
from hotline.clock import now
from hotline.contracts import ResolvedTicket
from tickets import cases, sla
from tickets.history import record
from tickets.models import Ticket
from tickets.salutation import salutation

ACTOR = "system:revisit"
SATISFIED = 4  # 4 满意 and 5 非常满意 on the manuals' scale
# The manuals' three levels (满意/一般/不满意) beside the 1-5 score.
SATISFACTION = {5: "satisfied", 4: "satisfied", 3: "neutral", 2: "dissatisfied", 1: "dissatisfied"}


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
            salutation_en=salutation(customer.title, customer.surname, "en-US"), contact_time=customer.contact_time)

    def record_revisit(self, ticket_id: int, *, score: int | None, solved: bool | None, words: str = "",
                       channel: str) -> None:
        session = db.session()
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            return
        data = {"score": score, "solved": solved, "channel": channel,
                "satisfaction": SATISFACTION.get(score) if score is not None else None}
        if words:
            data["words"] = words[:1000]
        record(session, ticket, ACTOR, "revisit_feedback", **data)
        # 满意且已解决: the loop is closed (the manuals' 回访闭环).
        if solved and score is not None and score >= SATISFIED and ticket.status == "resolved":
            cases.move_status(session, ticket, "closed", ACTOR)

    def record_revisit_rescheduled(self, ticket_id: int, *, due_at: datetime, channel: str) -> None:
        session = db.session()
        ticket = session.get(Ticket, ticket_id)
        if ticket is not None:  # 现在不方便: the revisit comes back later, and the ticket says when
            record(session, ticket, ACTOR, "revisit_rescheduled", due_at=due_at.isoformat(), channel=channel)

    def reopen_unsolved(self, ticket_id: int, *, note: str) -> None:
        session = db.session()
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            return
        if ticket.status in ("resolved", "closed"):
            cases.move_status(session, ticket, "reopened", ACTOR)
        cases.change_priority(session, ticket, sla.RAISED_PRIORITY[ticket.priority], ACTOR, reason=note)
        record(session, ticket, ACTOR, "revisit_not_solved", note=note)  # the caller's job commits
