"""SMS notices: the customer's ticket number and promised time, the resolution, supervisor alerts.

Tickets words the notices; messaging's outbox (`Messaging.send_sms`, hotline.contracts) stores
each one in the ticket's transaction and sends it after the commit, paced with every other SMS, so a web request
never waits on the gateway. Numbers on the do-not-contact list get nothing (the ticket's history
says so); the supervisor, being staff, gets the SLA alerts whatever the list says.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from hotline.clock import now
from hotline.contracts import Department, Messaging, TextMessage, need
from hotline.local_time import known_zone, written
from hotline.webhooks import public_url_for
from tickets import sla
from tickets.department_mail import queue_department_email
from tickets.history import record
from tickets.page_calls import start_paging
from tickets.models import Ticket
from tickets.sms_wording import SmsTemplates, load_templates, short_summary, word  # noqa: F401

log = logging.getLogger(__name__)
CUSTOMER_PURPOSES = {"created": "ticket_created", "callback": "ticket_callback", "resolved": "ticket_resolved",
                     "suggestion_done": "ticket_resolved", "progress_department": "ticket_progress",
                     "progress_plan": "ticket_progress"}
SUPERVISOR_PURPOSE = "sla_alert"
DEPARTMENT_PURPOSE = "department_notice"
# Staff are texted whatever the do-not-contact list says: it is the customers' list.
STAFF_PURPOSES = frozenset({SUPERVISOR_PURPOSE, DEPARTMENT_PURPOSE})


def templates() -> SmsTemplates:
    return current_app.extensions["tickets.sms_templates"].current()


def _zone_of(ticket: Ticket, default: str) -> str:
    """The customer's own time zone when we know it (a caller abroad), else the call center's."""
    zone = ticket.customer.timezone if ticket.customer is not None else None
    if zone and known_zone(zone):
        return zone
    if zone:
        log.warning("customer %s has an unknown time zone %r", ticket.customer_id, zone)
    return default


def customer_text(ticket: Ticket, template: str, *, department: Department | None = None,
                  summary: str | None = None) -> str:
    settings = current_app.config["HOTLINE_SETTINGS"]
    language = ticket.language
    promised = sla.promised_at(ticket.priority, ticket.response_due, ticket.resolution_due)
    company = settings.company_name if language == "zh-CN" else settings.company_name_en
    return templates().render(template, language, company=company, number=ticket.number,
                              promised=written(promised, language, _zone_of(ticket, settings.timezone)),
                              summary=short_summary(summary or ticket.resolution_summary, language),
                              department=department.name(language) if department is not None else "")


def queue_customer_sms(session, ticket: Ticket, template: str, actor: str = "system", *,
                       department: Department | None = None, summary: str | None = None) -> TextMessage | None:
    """Store the notice and have it delivered after commit; None when the customer may not be texted."""
    if ticket.customer is None:
        return None
    purpose = CUSTOMER_PURPOSES[template]
    text = customer_text(ticket, template, department=department, summary=summary)
    message = _store(session, ticket, ticket.customer.phone, text, purpose, actor)
    if message is None:
        record(session, ticket, actor, "sms_suppressed", purpose=purpose, reason="do_not_contact")
    return message


def alert_supervisor(session, ticket: Ticket, clock: str, state: str) -> TextMessage | None:
    # The specialist group's and the departments' clocks are not paused by the customer.
    fixed = {"plan": ticket.plan_due, "handoff": ticket.handoff_due, "reply": ticket.reply_due}
    if clock in fixed:
        due = fixed[clock] or now()
    else:
        reading = sla.SlaClock(ticket.priority, ticket.response_due, ticket.resolution_due,
                               paused_seconds=ticket.paused_seconds, paused_since=ticket.paused_since)
        due = reading.readings(now(), timedelta(0))[0 if clock == "response" else 1].due
    return _text_supervisor(session, ticket, "sla_alert", f"SLA {state}",
                            lambda language, zone: dict(priority=word(language, ticket.priority),
                                                        clock=word(language, clock), state=word(language, state),
                                                        due=written(due, language, zone)))


def alert_escalation(session, ticket: Ticket, group: str, by: str, reason: str) -> TextMessage | None:
    """Tell the supervisor a ticket went to a specialist group, by whom and why, and when its plan is due."""
    return _text_supervisor(session, ticket, "escalated", f"escalated to {group}",
                            lambda language, zone: dict(priority=word(language, ticket.priority), group=group,
                                                        by=by, reason=reason,
                                                        due=written(ticket.plan_due or now(), language, zone)))


def page_supervisor(session, ticket: Ticket) -> TextMessage | None:
    """An urgent message nobody could answer: the supervisor on call (SUPERVISOR_PHONE) is texted at once,
    then called until a key press acknowledges it (tickets/page_calls.py)."""
    message = _text_supervisor(session, ticket, "urgent_message", "urgent message",
                               lambda language, zone: dict(at=written(ticket.created_at, language, zone)))
    if message is not None:
        record(session, ticket, "system", "supervisor_paged", reason="urgent message")
        start_paging(session, ticket)
    return message


def _text_supervisor(session, ticket: Ticket, template: str, what: str, fields) -> TextMessage | None:
    """One SMS about `ticket` to the supervisor on call (SUPERVISOR_PHONE), in the center's language:
    the company, the ticket's number and category, and the template's own `fields(language, zone)`."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    if not settings.supervisor_phone:
        log.warning("%s on %s but SUPERVISOR_PHONE is not set: nobody told", what, ticket.number)
        return None
    language = settings.default_language
    body = templates().render(
        template, language, company=settings.company_name if language == "zh-CN" else settings.company_name_en,
        number=ticket.number, category=word(language, f"category:{ticket.category}")
        if ticket.category == "urgent" else word(language, ticket.category),
        **fields(language, settings.timezone))
    return _store(session, ticket, settings.supervisor_phone, body, SUPERVISOR_PURPOSE, "system")


def notify_department(session, ticket: Ticket, department: Department, template: str, *,
                      clock: str = "reply", state: str = "") -> TextMessage | None:
    """Text the department about `ticket` in the center's language, and e-mail it (when it has an
    address) in its own language with the deadlines and a link (tickets/department_mail.py)."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    language = settings.default_language
    values = _department_values(ticket, department, language, clock, state)
    message = _store(session, ticket, department.sms, templates().render(template, language, **values),
                     DEPARTMENT_PURPOSE, "system")
    if department.email:
        language = department.language or language
        values = _department_values(ticket, department, language, clock, state)
        queue_department_email(session, ticket, department, template, language,
                               templates().render(template, language, **values), values)
    return message


def _department_values(ticket: Ticket, department: Department, language: str, clock: str,
                       state: str) -> dict[str, str]:
    """A department notice's fields, worded in `language`."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    zone = settings.timezone
    due = (ticket.handoff_due if clock == "handoff" else ticket.reply_due) or now()
    return dict(company=settings.company_name if language == "zh-CN" else settings.company_name_en,
                number=ticket.number, category=word(language, ticket.category),
                department=department.name(language), summary=short_summary(ticket.description, language),
                clock=word(language, clock), state=word(language, state), due=written(due, language, zone),
                handoff_due=written(ticket.handoff_due or now(), language, zone),
                reply_due=written(ticket.reply_due or now(), language, zone),
                link=public_url_for("api.tickets.get_ticket", number=ticket.number))


def _store(session, ticket: Ticket, to: str, body: str, purpose: str, actor: str) -> TextMessage | None:
    message = need(Messaging).send_sms(purpose, to, body, area="tickets", session=session,
                                       check_consent=purpose not in STAFF_PURPOSES)
    if message is not None:
        record(session, ticket, actor, "sms_queued", purpose=purpose, message_id=message.id)
    return message
