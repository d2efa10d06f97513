"""The caller's first request: POST /voice/incoming."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from twilio.twiml.voice_response import VoiceResponse

from hotline import db
from hotline.calls import ensure_call, record_event
from hotline.twiml import say_kwargs, twiml_response
from hotline.webhooks import twilio_webhook

bp = Blueprint("ivr", __name__, url_prefix="/voice")


@bp.post("/incoming")
@twilio_webhook
def incoming():
    sid = request.form.get("CallSid", "")
    if not sid:
        return "CallSid is required\n", 400
    settings = current_app.config["HOTLINE_SETTINGS"]
    session = db.session()
    call = ensure_call(session, sid, request.form)
    record_event(session, call, "incoming", to=request.form.get("To", ""))
    session.commit()
    response = VoiceResponse()
    response.say(f"您好，欢迎致电{settings.company_name}。", **say_kwargs("zh-CN"))
    response.say(f"Welcome to {settings.company_name_en}.", **say_kwargs("en-US"))
    return twiml_response(response)
