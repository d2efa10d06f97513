"""Departments own work: a ticket handed to a business department, its two clocks, its reply.

The manuals: requests the first line cannot settle are passed to the business department within
24 hours (24小时内同步至业务部门), which replies within 48 hours (业务部门48小时内回复). Handing a ticket
over names the department (a key of tickets/departments.yaml), starts two clocks (the department
takes the ticket in hand by `handoff_due`, its `handoff_hours` after the hand-off; it replies by
`reply_due`, its `reply_hours` after) and texts the department the ticket. The SLA sweep reminds the
department before each clock runs out and alerts the supervisor when one has (`assess_department`).
The department's reply (the API, or an SMS from its number naming the ticket) stops the clocks, met
or missed, and is kept on the ticket.

Functions take the session and leave the commit to the caller, like `tickets.cases`.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hotline import db
from hotline.clock import now
from hotline.contracts import Department, SmsReceived
from hotline.logging import mask_phone
from tickets import sla
from tickets.departments import DepartmentBook
from tickets.errors import TicketInputError
from tickets.history import record
from tickets.models import Ticket
from tickets.notices import alert_supervisor, notify_department, queue_customer_sms
from tickets.transitions import OPEN_STATUSES

log = logging.getLogger(__name__)
WATCHED = ("pending", "at_risk")
CLOCKS = (("handoff", "handoff_due", "handoff_sla", "department_ack_at"),
          ("reply", "reply_due", "reply_sla", "department_reply_at"))
TICKET_NUMBER = re.compile(r"GD\d{8,}", re.IGNORECASE)


def department_key(raw: str | None) -> str | None:
    """A ticket's department as typed (key, or a department's name in either language): its key, or
    None for none; TicketInputError for text that names no department."""
    text = (raw or "").strip()
    if not text:
        return None
    for department in DepartmentBook().all():
        if text.lower() in (department.key, department.name_zh, department.name_en.lower()):
            return department.key
    return department_of(text).key


def department_of(key: str | None) -> Department:
    department = DepartmentBook().get(key)
    if department is None:
        known = ", ".join(d.key for d in DepartmentBook().all()) or "none"
        raise TicketInputError("department", f"no such department {key!r}; one of {known}")
    return department


def hand_off(session: Session, ticket: Ticket, key: str, actor: str, *, note: str = "") -> bool:
    """Hand `ticket` to the department `key`: its clocks start, it is texted (and e-mailed, when it has
    an address) and the customer is told. False if the ticket is already waiting on that department."""
    department = department_of(key)
    if ticket.status not in OPEN_STATUSES:
        raise TicketInputError("status", f"ticket {ticket.number} is {ticket.status}; reopen it to hand it over")
    if ticket.department == department.key and ticket.reply_sla in WATCHED:
        return False
    stamp = now()
    ticket.department = department.key
    ticket.handed_off_at = stamp
    ticket.handoff_due = stamp + timedelta(hours=department.handoff_hours)
    ticket.reply_due = stamp + timedelta(hours=department.reply_hours)
    ticket.handoff_sla = ticket.reply_sla = "pending"
    ticket.department_ack_at = ticket.department_reply_at = None
    ticket.updated_at = stamp
    details = {"department": department.key, "handoff_due": ticket.handoff_due.isoformat(),
               "reply_due": ticket.reply_due.isoformat()}
    if note:
        details["note"] = note
    record(session, ticket, actor, "handed_off", **details)
    notify_department(session, ticket, department, "department_notice")
    queue_customer_sms(session, ticket, "progress_department", actor, department=department)
    return True


def record_reply(session: Session, ticket: Ticket, text: str, actor: str, *, final: bool = True,
                 via: str = "api") -> None:
    """The department's word on the ticket. Any reply shows it has the ticket in hand (the hand-off
    clock stops); a `final` one is its answer (the reply clock stops). Later replies are kept too."""
    if ticket.handoff_sla is None or not ticket.department:
        raise TicketInputError("department", f"ticket {ticket.number} was not handed to a department")
    stamp = now()
    if ticket.department_ack_at is None:
        ticket.department_ack_at = stamp
        ticket.handoff_sla = _settled(ticket.handoff_sla, ticket.handoff_due, stamp)
    if final and ticket.department_reply_at is None:
        ticket.department_reply_at = stamp
        ticket.reply_sla = _settled(ticket.reply_sla, ticket.reply_due, stamp)
    ticket.updated_at = stamp
    record(session, ticket, actor, "department_reply", department=ticket.department, text=text, final=final,
           via=via, handoff=ticket.handoff_sla, reply=ticket.reply_sla)


def _settled(state: str | None, due: datetime | None, stamp: datetime) -> str:
    """met, or missed when late or already flagged as breached."""
    return "met" if state != "breached" and due is not None and stamp <= due else "missed"


def assess_department(session: Session, ticket: Ticket, stamp: datetime, remind_before: timedelta) -> list[str]:
    """The department's clocks now: a reminder to the department before each runs out and when it has,
    an alert to the supervisor at the breach; each state change acted on once."""
    raised = []
    department = DepartmentBook().get(ticket.department)
    for clock, due_field, state_field, done_field in CLOCKS:
        current, due = getattr(ticket, state_field), getattr(ticket, due_field)
        if current not in WATCHED or due is None or getattr(ticket, done_field) is not None:
            continue
        reading = sla.read_clock(due, None, timedelta(0), stamp, remind_before)
        if reading.state not in {"at_risk", "breached"} or reading.state == current:
            continue
        setattr(ticket, state_field, reading.state)
        record(session, ticket, "system", f"sla_{reading.state}", clock=clock, due=due.isoformat(),
               department=ticket.department)
        if department is not None:
            notify_department(session, ticket, department, "department_reminder", clock=clock, state=reading.state)
        if reading.state == "breached":
            ticket.breached = True
            alert_supervisor(session, ticket, clock, reading.state)
        raised.append(f"{clock}:{reading.state}")
    return raised


def ticket_named(session: Session, body: str) -> Ticket | None:
    """The ticket whose number an SMS names (GD + date + sequence), if any."""
    found = TICKET_NUMBER.search(body or "")
    if found is None:
        return None
    return session.scalars(select(Ticket).where(Ticket.number == found.group(0).upper())).first()


def reply_by_sms(session: Session, from_number: str, body: str) -> Ticket | None:
    """An SMS from a department's number naming a ticket handed to it: its reply. None when the sender
    is no department or the text names no ticket of that department (the caller keeps the message)."""
    department = DepartmentBook().by_sms(from_number)
    if department is None:
        return None
    ticket = ticket_named(session, body)
    if ticket is None or ticket.department != department.key or ticket.handoff_sla is None:
        log.info("SMS from department %s (%s) names no ticket handed to it", department.key, mask_phone(from_number))
        return None
    record_reply(session, ticket, body.strip()[:4000], f"department:{department.key}", via="sms")
    return ticket


def on_sms_received(event: SmsReceived) -> None:
    """An inbound SMS from a department's number is its reply to the ticket it names (a handler owns
    its transaction; any other SMS is messaging's and its areas' business)."""
    if DepartmentBook().by_sms(event.from_number) is None:
        return
    session = db.session()
    try:
        ticket = reply_by_sms(session, event.from_number, event.body)
        session.commit()
        if ticket is not None:
            log.info("department reply by SMS recorded on %s", ticket.number)
    except StaleDataError:
        session.rollback()
        log.warning("a department's SMS reply met a ticket changed at the same moment; not recorded",
                    extra={"message_id": event.message_id})
    except Exception:
        session.rollback()
        log.exception("could not record a department's SMS reply", extra={"message_id": event.message_id})
