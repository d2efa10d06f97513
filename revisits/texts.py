"""Every SMS a revisit sends (survey, clarification, thanks), paced and checked against opt-outs."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import db, jobs
from hotline.gateway import GatewayError, SentMessage, get_gateway
from hotline.models import SmsMessage
from hotline.redis_client import get_redis
from hotline.webhooks import public_url_for
from revisits.consent import may_contact, opt_out
from revisits.models import Revisit
from revisits.pacing import outbound_bucket
from revisits.scripts import line

log = logging.getLogger(__name__)
UNSUBSCRIBED = 21610  # Twilio: the recipient texted STOP to our number


def survey_values(revisit: Revisit) -> dict[str, str]:
    settings = current_app.config["HOTLINE_SETTINGS"]
    zh = revisit.language == "zh-CN"
    salutation = (revisit.salutation_zh or "") if zh else (f"{revisit.salutation_en}, " if revisit.salutation_en else "")
    return {"company": settings.company_name if zh else settings.company_name_en, "salutation": salutation,
            "ticket": revisit.ticket_number}


def text_of(revisit: Revisit, entry: str) -> str:
    return line(revisit.language, entry, **survey_values(revisit))


def store_sent(session: Session, sent: SentMessage, to: str, body: str, purpose: str) -> None:
    """Record an outbound SMS; its status callback may have created the row first."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    row = session.scalars(select(SmsMessage).where(SmsMessage.sid == sent.sid)).first()
    if row is None:
        row = SmsMessage(sid=sent.sid, direction="outbound", from_number=settings.twilio_from_number, to_number=to,
                         status=sent.status or "queued")
        session.add(row)
    row.body, row.purpose = body, purpose
    session.commit()


def send_paced(to: str, body: str) -> SentMessage:
    """Wait for the fleet's SMS slot, then send; raises GatewayError (retryable ones are retried by RQ)."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    if not outbound_bucket(get_redis(), "sms", settings.outbound_sms_per_second).take():
        raise GatewayError("outbound pacing: no SMS slot within the wait limit")
    return get_gateway().send_sms(to, body, status_callback=public_url_for("sms.status"))


def queue_follow_up(revisit: Revisit, entry: str) -> None:
    """Send `entry` (sms_thanks, sms_clarify...) to the revisit's customer, once, from a job."""
    jobs.enqueue(send_follow_up, revisit.id, entry, queue="outbound", job_id=f"revisit-sms-{revisit.id}-{entry}",
                 retry=jobs.Retry(max=5, interval=[5, 15, 60, 180, 600]))


def send_follow_up(revisit_id: int, entry: str) -> str:
    session = db.session()
    revisit = session.get(Revisit, revisit_id)
    purpose = f"revisit:{revisit_id}:{entry}"[:40]
    if revisit is None or session.scalar(select(SmsMessage.id).where(SmsMessage.purpose == purpose)):
        return "skipped: already sent"
    if not may_contact(revisit.phone):
        return "skipped: opted out"
    body = text_of(revisit, entry)
    try:
        sent = send_paced(revisit.phone, body)
    except GatewayError as exc:
        if exc.code == UNSUBSCRIBED:
            opt_out(session, revisit.phone, "carrier", source="carrier")
            session.commit()
            return "skipped: opted out at the carrier"
        raise
    store_sent(session, sent, revisit.phone, body, purpose)
    return f"texted {sent.sid}"
