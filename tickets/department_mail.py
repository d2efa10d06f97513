"""E-mail to a department a ticket is handed to: kept on the ticket first, sent by an RQ job after commit.

The ticket's history is the mail's record: `email_queued` (to, subject, body) in the hand-off's
transaction, then one of `email_sent` (its Message-ID), `email_failed` (the server refused or could
not be reached on every attempt of `jobs.NETWORK_RETRY`) or `email_not_sent` (no SMTP_HOST: the text
stays on the ticket for someone to forward). The SMS to the department's number goes out either way.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from rq import get_current_job
from sqlalchemy import select

from hotline import db, jobs
from hotline.contracts import Department
from hotline.mail import MAIL_ERRORS, mail_configured, send_mail
from tickets.history import record
from tickets.models import Ticket, TicketEvent

log = logging.getLogger(__name__)
SETTLED = ("email_sent", "email_failed", "email_not_sent")
NOT_CONFIGURED = "smtp_not_configured"

SUBJECTS = {
    "department_notice": {"zh-CN": "【{company}】转交{department}工单{number}，请于{due}前回复",
                          "en-US": "{company}: case {number} handed to {department}, reply by {due}"},
    "department_reminder": {"zh-CN": "【{company}】提醒：工单{number}{clock}时限{state}（截止{due}）",
                            "en-US": "{company}: reminder: case {number}, {clock} deadline {state} (due {due})"},
}
FOOTER = {
    "zh-CN": "受理截止：{handoff_due}\n回复截止：{reply_due}\n工单：{link}\n"
             "回复处理结果：在工单页面登记，或发短信至本中心并注明工单编号{number}。",
    "en-US": "Take in hand by: {handoff_due}\nReply by: {reply_due}\nCase: {link}\n"
             "Reply on the case page, or by SMS to the center quoting the case number {number}.",
}


def job_id(event_id: int) -> str:
    return f"department-email-{event_id}"


def queue_department_email(session, ticket: Ticket, department: Department, purpose: str, language: str,
                           text: str, values: dict[str, Any]) -> TicketEvent | None:
    """Keep the e-mail on the ticket and send it once the hand-off commits; None if it has no address.

    `text` is the SMS notice worded in `language`; `values` the notice's fields in that language
    (company, number, department, due, handoff_due, reply_due, clock, state, link)."""
    if not department.email:
        return None
    subject = SUBJECTS[purpose][language].format(**values)
    body = f"{text}\n\n{FOOTER[language].format(**values)}\n"
    event = record(session, ticket, "system", "email_queued", to=department.email, purpose=purpose,
                   language=language, subject=subject, body=body)
    session.flush()
    if not mail_configured(current_app.config["HOTLINE_SETTINGS"]):
        record(session, ticket, "system", "email_not_sent", email=event.id, to=department.email,
               reason=NOT_CONFIGURED)
        log.warning("%s for %s: SMTP_HOST is not set; the e-mail to %s is kept on the ticket", purpose,
                    ticket.number, department.key)
        return event
    db.after_commit(enqueue_sending, event.id, session=session)
    return event


def enqueue_sending(event_id: int) -> None:
    try:
        jobs.enqueue(send_department_email, event_id, queue="outbound", job_id=job_id(event_id),
                     retry=jobs.NETWORK_RETRY)
    except RedisError:
        log.warning("Redis unavailable; department e-mail %s not sent (kept on the ticket)", event_id, exc_info=True)


def send_department_email(event_id: int) -> str:
    """RQ job: send one queued e-mail; the last refused attempt records `email_failed` on the ticket."""
    session = db.session()
    queued = session.get(TicketEvent, event_id)
    if queued is None or queued.kind != "email_queued" or _settled(session, queued):
        session.rollback()
        return "skipped"
    ticket_id, mail = queued.ticket_id, dict(queued.data)
    session.rollback()  # no transaction is held while the mail server answers
    settings = current_app.config["HOTLINE_SETTINGS"]
    job = get_current_job()
    retries_left = (job.retries_left or 0) if job is not None else 0
    attempt = len(jobs.NETWORK_RETRY.intervals) + 1 - retries_left if job is not None else 1
    if not mail_configured(settings):
        return _settle(session, ticket_id, event_id, "email_not_sent", mail, reason=NOT_CONFIGURED)
    try:
        message_id = send_mail(settings, mail["to"], mail["subject"], mail["body"])
    except MAIL_ERRORS as exc:
        if retries_left > 0:
            log.warning("e-mail %s to %s, attempt %d: %s; trying again", event_id, mail["to"], attempt, exc)
            raise  # RQ retries on jobs.NETWORK_RETRY
        log.error("e-mail %s to %s failed after %d attempts: %s", event_id, mail["to"], attempt, exc)
        return _settle(session, ticket_id, event_id, "email_failed", mail, error=str(exc)[:300], attempts=attempt)
    return _settle(session, ticket_id, event_id, "email_sent", mail, message_id=message_id, attempts=attempt)


def _settled(session, queued: TicketEvent) -> bool:
    events = session.scalars(select(TicketEvent.data).where(TicketEvent.ticket_id == queued.ticket_id,
                                                            TicketEvent.kind.in_(SETTLED)))
    return any(data.get("email") == queued.id for data in events)


def _settle(session, ticket_id: int, event_id: int, kind: str, mail: dict[str, Any], **details: Any) -> str:
    ticket = session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).one()
    record(session, ticket, "system", kind, email=event_id, to=mail["to"], **details)
    session.commit()
    return kind.removeprefix("email_")
