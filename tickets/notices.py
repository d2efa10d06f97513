"""SMS notices: the customer's ticket number and promised time, the resolution, supervisor alerts.

A notice is first stored as an SmsMessage row (status `pending`) in the ticket's transaction, then
delivered by an RQ job after commit, so a web request never waits on the gateway and a crashed
worker's message is picked up again by the SLA sweep. Numbers on the do-not-contact list (the
revisits area answers through app.extensions["hotline.may_contact"]) get nothing.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from rq import Retry
from sqlalchemy import select

from hotline import db
from hotline.clock import now
from hotline.gateway import GatewayError, get_gateway
from hotline.jobs import enqueue
from hotline.logging import mask_phone
from hotline.models import SmsMessage
from tickets import sla
from tickets.history import record
from tickets.models import Ticket
from hotline.local_time import known_zone, written
from tickets.sms_wording import SmsTemplates, load_templates, short_summary, word  # noqa: F401

log = logging.getLogger(__name__)
CUSTOMER_PURPOSES = {"created": "ticket_created", "callback": "ticket_callback", "resolved": "ticket_resolved"}
SUPERVISOR_PURPOSE = "sla_alert"


def templates() -> SmsTemplates:
    return current_app.extensions["tickets.sms_templates"].current()


def may_contact(phone: str) -> bool:
    check = current_app.extensions.get("hotline.may_contact")
    return True if check is None else bool(check(phone))


def _zone_of(ticket: Ticket, default: str) -> str:
    """The customer's own time zone when we know it (a caller abroad), else the call center's."""
    zone = ticket.customer.timezone if ticket.customer is not None else None
    if zone and known_zone(zone):
        return zone
    if zone:
        log.warning("customer %s has an unknown time zone %r", ticket.customer_id, zone)
    return default


def customer_text(ticket: Ticket, template: str) -> str:
    settings = current_app.config["HOTLINE_SETTINGS"]
    language = ticket.language
    promised = sla.promised_at(ticket.priority, ticket.response_due, ticket.resolution_due)
    company = settings.company_name if language == "zh-CN" else settings.company_name_en
    return templates().render(template, language, company=company, number=ticket.number,
                              promised=written(promised, language, _zone_of(ticket, settings.timezone)),
                              summary=short_summary(ticket.resolution_summary, language))


def queue_customer_sms(session, ticket: Ticket, template: str, actor: str = "system") -> SmsMessage | None:
    """Store the notice and have it delivered after commit; None when the customer may not be texted."""
    if ticket.customer is None:
        return None
    phone = ticket.customer.phone
    purpose = CUSTOMER_PURPOSES[template]
    if not may_contact(phone):
        record(session, ticket, actor, "sms_suppressed", purpose=purpose, reason="do_not_contact")
        return None
    return _store(session, ticket, phone, customer_text(ticket, template), purpose, actor)


def alert_supervisor(session, ticket: Ticket, clock: str, state: str) -> SmsMessage | None:
    settings = current_app.config["HOTLINE_SETTINGS"]
    if not settings.supervisor_phone:
        log.warning("SLA %s on %s but SUPERVISOR_PHONE is not set", state, ticket.number)
        return None
    language = settings.default_language
    reading = sla.SlaClock(ticket.priority, ticket.response_due, ticket.resolution_due,
                           paused_seconds=ticket.paused_seconds, paused_since=ticket.paused_since)
    due = reading.readings(now(), timedelta(0))[0 if clock == "response" else 1].due
    body = templates().render(
        "sla_alert", language, company=settings.company_name if language == "zh-CN" else settings.company_name_en,
        number=ticket.number, category=word(language, f"category:{ticket.category}")
        if ticket.category == "urgent" else word(language, ticket.category),
        priority=word(language, ticket.priority), clock=word(language, clock), state=word(language, state),
        due=written(due, language, settings.timezone))
    return _store(session, ticket, settings.supervisor_phone, body, SUPERVISOR_PURPOSE, "system")


def _store(session, ticket: Ticket, to: str, body: str, purpose: str, actor: str) -> SmsMessage:
    settings = current_app.config["HOTLINE_SETTINGS"]
    message = SmsMessage(direction="outbound", from_number=settings.twilio_from_number, to_number=to,
                         body=body, status="pending", purpose=purpose, created_at=now(), updated_at=now())
    session.add(message)
    session.flush()
    record(session, ticket, actor, "sms_queued", purpose=purpose, message_id=message.id)
    db.after_commit(enqueue_delivery_or_leave, message.id, session=session)
    return message


def enqueue_delivery_or_leave(message_id: int) -> None:
    """After the commit: queue the delivery job, or leave the pending row to the SLA sweep."""
    try:
        enqueue_delivery(message_id)
    except RedisError:
        # The notice is committed as a pending row; the SLA sweep's redeliver_stale enqueues it
        # once Redis is back. The change that queued it stands.
        log.warning("Redis unavailable; SMS notice %s left pending for the sweep", message_id, exc_info=True)


def enqueue_delivery(message_id: int) -> None:
    enqueue(deliver_sms, message_id, queue="default", job_id=f"tickets-sms-{message_id}",
            retry=Retry(max=3, interval=[10, 60, 300]))


def _status_callback() -> str | None:
    """Where Twilio reports delivery (the SMS area's endpoint), built without a request."""
    try:
        path = current_app.url_map.bind("localhost").build("sms.status")
    except Exception:
        return None
    return current_app.config["HOTLINE_SETTINGS"].public_base_url + path


def deliver_sms(message_id: int) -> str:
    """RQ job: send one stored notice. Already sent or suppressed: nothing happens again."""
    session = db.session()
    message = session.scalars(select(SmsMessage).where(SmsMessage.id == message_id).with_for_update()).first()
    if message is None or message.status != "pending":
        session.rollback()
        return "skipped"
    if message.purpose != SUPERVISOR_PURPOSE and not may_contact(message.to_number):
        message.status = "suppressed"
        session.commit()
        return "suppressed"
    try:
        sent = get_gateway().send_sms(message.to_number, message.body, status_callback=_status_callback())
    except GatewayError as exc:
        if exc.retryable:
            session.rollback()
            raise  # RQ retries on its schedule; the row stays pending
        message.status = "failed"
        message.error_code = str(exc.code) if exc.code else None
        session.commit()
        log.warning("SMS to %s refused: %s", mask_phone(message.to_number), exc)
        return "failed"
    message.sid = sent.sid
    message.status = sent.status or "queued"
    session.commit()
    return message.status


def redeliver_stale(session, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Enqueue again notices still pending after `older_than` (their worker died mid-job)."""
    stale = session.scalars(select(SmsMessage.id).where(
        SmsMessage.status == "pending", SmsMessage.sid.is_(None),
        SmsMessage.purpose.in_([*CUSTOMER_PURPOSES.values(), SUPERVISOR_PURPOSE]),
        SmsMessage.created_at < now() - older_than)).all()
    for message_id in stale:
        enqueue_delivery(message_id)
    return len(stale)
