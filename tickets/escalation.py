"""Escalating a ticket to a specialist group, and the group's plan.

The manuals (沟通优化方案): a general complaint is handled by the first line within an hour; a complex
one is escalated to a specialist group (专项小组), which has 24 hours to produce a plan. Escalating sets
the ticket's tier to 2, names the group (its owner group, whose routing queue is in the SLA rules),
starts the plan clock and alerts the supervisor; the SLA sweep watches the plan clock like the
others and alerts at each breach. Escalation words heard in a call (the QA keyword categories named
in the rules' `raise_on_keywords`) escalate the call's ticket to the default group.

Functions take the session and leave the commit to the caller, like `tickets.cases`.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import db
from hotline.calendar import get_calendar
from hotline.clock import now
from hotline.contracts import TranscriptReady
from hotline.models import Call
from tickets import sla
from tickets.errors import TicketInputError
from tickets.history import record
from tickets.models import Ticket, TicketCall
from tickets.notices import alert_escalation, queue_customer_sms
from tickets.sla_rules import current_sla_rules
from tickets.transitions import OPEN_STATUSES

log = logging.getLogger(__name__)
ESCALATED_TIER = 2


def escalate(session: Session, ticket: Ticket, actor: str, *, group: str | None = None, reason: str = "",
             words: list[str] | None = None) -> bool:
    """Hand `ticket` to a specialist group with a plan clock; False if it is already with that group
    (nothing changes, nobody is alerted twice). A ticket no longer open cannot be escalated."""
    rules = current_sla_rules()
    key = group or rules.default_group
    chosen = rules.groups.get(key)
    if chosen is None:
        raise TicketInputError("group", f"no such group {key!r}; one of {', '.join(rules.groups) or 'none'}")
    if ticket.status not in OPEN_STATUSES:
        raise TicketInputError("status", f"ticket {ticket.number} is {ticket.status}; reopen it to escalate it")
    if ticket.escalated_group == key and ticket.plan_sla is not None:
        return False
    stamp = now()
    previous = ticket.escalated_group
    ticket.tier = ESCALATED_TIER
    ticket.escalated_group = key
    ticket.escalated_at = stamp
    ticket.plan_due = sla.plan_due(stamp, get_calendar(), rules)
    ticket.plan_at = None
    ticket.plan_sla = "pending"
    ticket.updated_at = stamp
    details = {"group": key, "queue": chosen.queue, "plan_due": ticket.plan_due.isoformat(), "tier": ESCALATED_TIER}
    if previous:
        details["previous_group"] = previous
    if reason:
        details["reason"] = reason
    if words:
        details["words"] = words
    record(session, ticket, actor, "escalated", **details)
    why = reason or ("、".join(words) if words else "")
    alert_escalation(session, ticket, chosen.name("zh-CN"), actor, why or "-")
    return True


def record_plan(session: Session, ticket: Ticket, text: str, actor: str) -> None:
    """The specialist group's plan: stops the plan clock, met or missed."""
    if ticket.plan_sla is None:
        raise TicketInputError("plan", f"ticket {ticket.number} is not escalated; escalate it first")
    if ticket.plan_at is not None:
        raise TicketInputError("plan", f"ticket {ticket.number} already has its plan")
    stamp = now()
    ticket.plan_at = stamp
    ticket.plan_sla = "met" if ticket.plan_due is not None and stamp <= ticket.plan_due and \
        ticket.plan_sla != "breached" else "missed"
    ticket.updated_at = stamp
    record(session, ticket, actor, "plan", text=text, plan_sla=ticket.plan_sla)
    # 期间如有进展会主动联系您: the customer hears the plan is ready.
    queue_customer_sms(session, ticket, "progress_plan", actor, summary=text)


def on_transcript_ready(event: TranscriptReady) -> None:
    """Escalation words heard in a call raise its ticket's tier (a handler owns its transaction)."""
    call_sid, keywords = event.call_sid, event.keywords
    rules = current_sla_rules()
    heard = [phrase for category in rules.raise_on_keywords for phrase in (keywords or {}).get(category, [])]
    if not heard:
        return
    session = db.session()
    try:
        link = session.scalars(select(TicketCall).where(TicketCall.call_sid == call_sid)).first()
        if link is None:  # an agent leg's recording: the caller's call is the one on the ticket
            parent = session.scalars(select(Call.parent_sid).where(Call.sid == call_sid)).first()
            link = session.scalars(select(TicketCall).where(TicketCall.call_sid == parent)).first() if parent else None
        ticket = link.ticket if link is not None else None
        if ticket is None or ticket.status not in OPEN_STATUSES or ticket.plan_sla is not None:
            return  # no ticket, closed, or already with a group: the words change nothing
        escalate(session, ticket, "system:transcript", reason="", words=sorted(set(heard)))
        session.commit()
        log.info("escalation words heard on %s: escalated", ticket.number, extra={"call_sid": call_sid})
    except Exception:
        session.rollback()
        log.exception("could not escalate the ticket of a call with escalation words", extra={"call_sid": call_sid})
