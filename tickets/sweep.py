"""The SLA sweep (an RQ job every minute): flag tickets about to breach and breached.

A clock entering `at_risk` or `breached` is flagged on the ticket, written to its history and sent
to the supervisor by SMS; a breach also raises the ticket's priority one step. Each state change is
acted on once, so running the sweep twice (or on two workers) alerts once.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.orm.exc import StaleDataError

from hotline import db
from hotline.clock import now
from tickets import handoff, progress, sla
from tickets.history import record
from tickets.models import Ticket
from tickets.notices import alert_supervisor
from tickets.transitions import OPEN_STATUSES

log = logging.getLogger(__name__)
WATCHED = ("pending", "at_risk")


def assess_ticket(session, ticket: Ticket, stamp: datetime, warn_before: timedelta,
                  department_remind_before: timedelta | None = None) -> list[str]:
    """Apply what the clocks say now; returns the flags raised ("response:breached"...)."""
    raised = []
    readings = progress.clock_of(ticket).readings(stamp, warn_before)
    for name, reading in zip(("response", "resolution"), readings):
        attribute = f"{name}_sla"
        current = getattr(ticket, attribute)
        if current not in WATCHED or reading.state not in {"at_risk", "breached"} or reading.state == current:
            continue
        setattr(ticket, attribute, reading.state)
        record(session, ticket, "system", f"sla_{reading.state}", clock=name, due=reading.due.isoformat())
        if reading.state == "breached":
            ticket.breached = True
            progress.change_priority(session, ticket, sla.RAISED_PRIORITY[ticket.priority], "system",
                                  reason=f"{name} deadline passed")
        alert_supervisor(session, ticket, name, reading.state)
        raised.append(f"{name}:{reading.state}")
    if ticket.plan_sla in WATCHED and ticket.plan_at is None and ticket.plan_due is not None:
        # The specialist group's plan clock runs whatever the customer does (no pause).
        reading = sla.read_clock(ticket.plan_due, None, timedelta(0), stamp, warn_before)
        if reading.state in {"at_risk", "breached"} and reading.state != ticket.plan_sla:
            ticket.plan_sla = reading.state
            record(session, ticket, "system", f"sla_{reading.state}", clock="plan", due=reading.due.isoformat())
            if reading.state == "breached":
                ticket.breached = True
            alert_supervisor(session, ticket, "plan", reading.state)
            raised.append(f"plan:{reading.state}")
    if department_remind_before is not None and ticket.handoff_sla is not None:
        raised += handoff.assess_department(session, ticket, stamp, department_remind_before)
    return raised


def due_candidates(horizon: datetime, department_horizon: datetime | None = None) -> Select:
    """Ids of open tickets with a watched clock due by `horizon` (a department's clocks: by
    `department_horizon`, its reminders come earlier). Its conditions match the partial indexes
    ix_tickets_response_due_watched / ix_tickets_resolution_due_watched (tickets_0004), so the
    sweep reads the few tickets due soon, not every open one (the plan clock: ix_tickets_plan_due_watched,
    tickets_0005; the departments' ix_tickets_handoff_due_watched / ix_tickets_reply_due_watched, tickets_0007)."""
    department_horizon = department_horizon or horizon
    return select(Ticket.id).where(
        Ticket.status.in_(sorted(OPEN_STATUSES)),
        or_(Ticket.response_sla.in_(WATCHED) & Ticket.first_response_at.is_(None) & (Ticket.response_due <= horizon),
            Ticket.resolution_sla.in_(WATCHED) & (Ticket.resolution_due <= horizon),
            Ticket.plan_sla.in_(WATCHED) & (Ticket.plan_due <= horizon),
            Ticket.handoff_sla.in_(WATCHED) & (Ticket.handoff_due <= department_horizon),
            Ticket.reply_sla.in_(WATCHED) & (Ticket.reply_due <= department_horizon))).order_by(Ticket.id)


def sweep_sla() -> dict[str, int]:
    """RQ job: assess every open ticket whose clock could be at risk by now."""
    session = db.session()
    settings = current_app.config["HOTLINE_SETTINGS"]
    warn_before = timedelta(minutes=settings.sla_warning_minutes)
    stamp = now()
    horizon = stamp + warn_before  # pauses only push due times later, so nothing beyond can be at risk
    remind_before = timedelta(hours=settings.department_reminder_hours)
    candidates = session.scalars(due_candidates(horizon, stamp + remind_before)).all()
    flagged = 0
    for ticket_id in candidates:
        ticket = session.get(Ticket, ticket_id, populate_existing=True)
        if ticket is None:
            continue
        try:
            raised = assess_ticket(session, ticket, stamp, warn_before, remind_before)
            session.commit()
        except StaleDataError:
            # An agent changed it meanwhile; the next sweep looks again.
            session.rollback()
            continue
        flagged += len(raised)
    return {"checked": len(candidates), "flagged": flagged}
