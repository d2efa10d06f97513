"""SMS webhooks: POST /sms/incoming (replies, opt-outs) and POST /sms/status (delivery states)."""
from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import select
from twilio.twiml.messaging_response import MessagingResponse

from hotline import db
from hotline.contracts import SmsReceived, publish
from hotline.twiml import twiml_response
from hotline.webhooks import twilio_webhook
from messaging.inbound import handle_inbound
from messaging.models import SmsMessage
from messaging.outbox import STATUS_RANK

bp = Blueprint("sms", __name__, url_prefix="/sms")


@bp.post("/incoming")
@twilio_webhook
def incoming():
    form = request.form
    sid = form.get("MessageSid", "")
    if not sid:
        return "MessageSid is required\n", 400
    session = db.session()
    message = session.scalars(select(SmsMessage).where(SmsMessage.sid == sid)).first()
    if message is None:  # Twilio retries; a second delivery of the same message is ignored
        message = SmsMessage(sid=sid, direction="inbound", from_number=form.get("From", ""),
                             to_number=form.get("To", ""), body=form.get("Body", ""), status="received")
        session.add(message)
        session.commit()
        handle_inbound(session, message)
        session.commit()
        publish(SmsReceived(message_id=message.id, from_number=message.from_number, body=message.body))
    return twiml_response(MessagingResponse())


@bp.post("/status")
@twilio_webhook
def status():
    form = request.form
    sid = form.get("MessageSid", "")
    new_status = form.get("MessageStatus", "")
    if not sid or new_status not in STATUS_RANK or new_status == "pending":
        return "MessageSid and a known MessageStatus are required\n", 400
    session = db.session()
    message = session.scalars(select(SmsMessage).where(SmsMessage.sid == sid)).first()
    if message is None:  # before the sending job stored the SID: the job adopts this row's status
        message = SmsMessage(sid=sid, direction="outbound", from_number=form.get("From", ""),
                             to_number=form.get("To", ""), status=new_status)
        session.add(message)
    elif STATUS_RANK[new_status] > STATUS_RANK.get(message.status, 0):
        message.status = new_status
    if form.get("ErrorCode"):
        message.error_code = form["ErrorCode"]
    session.commit()
    return "", 204
