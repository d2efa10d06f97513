"""How a ticket moves on: status moves by the state machine, first response, waiting on the
customer (the paused clock), priority changes. Each writes its event; the caller commits.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy.orm import Session

from hotline import signals
from hotline.calendar import get_calendar
from hotline.clock import now
from tickets import sla
from tickets.errors import TicketInputError
from tickets.history import record
from tickets.models import Ticket
from tickets.notices import queue_customer_sms
from tickets.sla_rules import current_sla_rules
from tickets.transitions import check_transition


def mark_first_response(ticket: Ticket) -> None:
    """The first contact with the customer stops the response clock: met, or missed if late."""
    if ticket.first_response_at is not None:
        return
    ticket.first_response_at = now()
    reading = clock_of(ticket).readings(now(), timedelta(0))[0]
    ticket.response_sla = "missed" if ticket.response_sla == "breached" else reading.state


def _end_pause(ticket: Ticket) -> None:
    if ticket.paused_since is not None:
        ticket.paused_seconds += int((now() - ticket.paused_since).total_seconds())
        ticket.paused_since = None


def set_waiting_customer(session: Session, ticket: Ticket, waiting: bool, actor: str) -> None:
    if ticket.waiting_customer == waiting:
        return
    ticket.waiting_customer = waiting
    if waiting and current_app.config["HOTLINE_SETTINGS"].sla_pause_waiting_customer:
        ticket.paused_since = now()
    elif not waiting:
        _end_pause(ticket)
    record(session, ticket, actor, "waiting_customer" if waiting else "customer_replied",
           paused_seconds=ticket.paused_seconds)


def move_status(session: Session, ticket: Ticket, target: str, actor: str) -> None:
    """Move to `target` if the state machine allows it, with what that move means for the clock."""
    check_transition(ticket.status, target)
    previous = ticket.status
    if target in {"assigned", "in_progress"} and ticket.assignee_id is None:
        raise TicketInputError("assignee_id", f"a ticket must have an assignee to be {target}")
    if target == "resolved" and ticket.category == "suggestion" and not (ticket.resolution_summary or "").strip():
        # The suggestion's author is told what was done with it (意见建议: 反馈处理结果).
        raise TicketInputError("resolution_summary", "a suggestion is resolved with what was done with it")
    stamp = now()
    if target == "in_progress":
        mark_first_response(ticket)
    elif target == "resolved":
        mark_first_response(ticket)
        ticket.resolved_at = stamp
        ticket.waiting_customer = False
        _end_pause(ticket)
        _settle_clocks(ticket)
    elif target == "closed":
        ticket.closed_at = stamp
    elif target == "reopened":
        # A reopened case is worked again under a fresh resolution clock from now.
        ticket.resolved_at = None
        ticket.closed_at = None
        ticket.resolution_due = max(sla.due_times(stamp, ticket.priority, get_calendar(), ticket.category,
                                                      current_sla_rules())[1], ticket.response_due)
        ticket.resolution_sla = "pending"
    ticket.status = target
    record(session, ticket, actor, "status", previous=previous, status=target)
    if target == "resolved":
        # A suggestion is answered with what was done with it; other cases with the revisit's promise.
        queue_customer_sms(session, ticket, "suggestion_done" if ticket.category == "suggestion" else "resolved",
                           actor)
        signals.send_after_commit(signals.ticket_resolved, session, ticket_id=ticket.id)
    elif target == "reopened":
        signals.send_after_commit(signals.ticket_reopened, session, ticket_id=ticket.id)


def _settle_clocks(ticket: Ticket) -> None:
    """Record met/missed for the clocks the resolution stops."""
    resolution = clock_of(ticket).readings(now(), timedelta(0))[1]
    ticket.resolution_sla = "missed" if ticket.resolution_sla == "breached" else resolution.state


def clock_of(ticket: Ticket) -> sla.SlaClock:
    return sla.SlaClock(priority=ticket.priority, response_due=ticket.response_due,
                        resolution_due=ticket.resolution_due, first_response_at=ticket.first_response_at,
                        resolved_at=ticket.resolved_at, paused_seconds=ticket.paused_seconds,
                        paused_since=ticket.paused_since)


def replan_clocks(ticket: Ticket) -> None:
    """Due times from when the ticket was opened, for its priority and category as they are now
    (a person re-judging the case: a new priority, or a call re-filed as a complaint)."""
    ticket.response_due, ticket.resolution_due = sla.due_times(ticket.created_at, ticket.priority, get_calendar(),
                                                               ticket.category, current_sla_rules())


def change_priority(session: Session, ticket: Ticket, priority: str, actor: str, reason: str = "",
                    replan: bool | None = None) -> None:
    """Set the priority. A person re-judging the case re-plans its clocks from when it was opened;
    an automatic escalation (actor "system...") keeps them, since it reacts to those very clocks."""
    if priority not in sla.PRIORITIES:
        raise TicketInputError("priority", f"must be one of {', '.join(sla.PRIORITIES)}")
    if priority == ticket.priority:
        return
    previous = ticket.priority
    ticket.priority = priority
    if replan is None:
        replan = not actor.startswith("system")
    if replan:
        replan_clocks(ticket)
    record(session, ticket, actor, "priority", previous=previous, priority=priority,
           **({"reason": reason} if reason else {}))
