"""Where the IVR hands a caller over: POST /voice/route?queue=<skill>&priority=<n>."""
from __future__ import annotations

from flask import Blueprint, request
from twilio.twiml.voice_response import VoiceResponse

from hotline import db
from hotline.calls import ensure_call, record_event
from hotline.twiml import twiml_response
from hotline.webhooks import twilio_webhook

bp = Blueprint("routing", __name__, url_prefix="/voice")


@bp.post("/route")
@twilio_webhook
def enter():
    queue = request.args.get("queue", "inquiry")
    session = db.session()
    call = ensure_call(session, request.form.get("CallSid", ""), request.form)
    record_event(session, call, "queue_entered", queue=queue, priority=request.args.get("priority", type=int))
    session.commit()
    response = VoiceResponse()
    response.enqueue(queue)
    return twiml_response(response)
