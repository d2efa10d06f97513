"""SMS webhooks: POST /sms/incoming (replies, opt-outs) and POST /sms/status (delivery states)."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from sqlalchemy import select
from twilio.twiml.messaging_response import MessagingResponse

from hotline import db, signals
from hotline.models import SmsMessage
from hotline.twiml import twiml_response
from hotline.webhooks import twilio_webhook

bp = Blueprint("sms", __name__, url_prefix="/sms")

# Delivery moves forward only; a late `sent` must not undo `delivered`.
SMS_STATUS_RANK = {"accepted": 0, "queued": 0, "sending": 1, "sent": 2, "delivered": 3,
                   "undelivered": 3, "failed": 3, "received": 3, "read": 4}


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
        signals.sms_received.send(current_app._get_current_object(), message_id=message.id,
                                  from_number=message.from_number, body=message.body)
        session.commit()
    return twiml_response(MessagingResponse())


@bp.post("/status")
@twilio_webhook
def status():
    form = request.form
    sid = form.get("MessageSid", "")
    new_status = form.get("MessageStatus", "")
    if not sid or new_status not in SMS_STATUS_RANK:
        return "MessageSid and a known MessageStatus are required\n", 400
    session = db.session()
    message = session.scalars(select(SmsMessage).where(SmsMessage.sid == sid)).first()
    if message is None:
        message = SmsMessage(sid=sid, direction="outbound", from_number=form.get("From", ""),
                             to_number=form.get("To", ""), status=new_status)
        session.add(message)
    elif SMS_STATUS_RANK[new_status] > SMS_STATUS_RANK.get(message.status, 0):
        message.status = new_status
    if form.get("ErrorCode"):
        message.error_code = form["ErrorCode"]
    session.commit()
    return "", 204
