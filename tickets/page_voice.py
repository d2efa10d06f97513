"""The urgent page's call, as Twilio asks for it: POST /voice/page/{answer,ack,status}?ticket=<id>&attempt=<n>.

The supervisor hears the ticket's number digit by digit and its category twice, in the center's
language (DEFAULT_LANGUAGE), inside one <Gather numDigits=1>; 1 acknowledges the page. Anything else,
silence, no answer or busy ends the attempt, and the status callback schedules the next one. Each
view writes one or two rows under the ticket's lock and answers at once.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request
from twilio.twiml.voice_response import VoiceResponse

from hotline import db
from hotline.models import FINAL_CALL_STATUSES
from hotline.twiml import say_kwargs, twiml_response
from hotline.voice import track_call_status
from hotline.webhooks import public_url_for, twilio_callback, twilio_webhook
from tickets import page_calls, paging
from tickets.models import Ticket
from tickets.sms_wording import word

bp = Blueprint("tickets_page", __name__, url_prefix="/voice/page")
REPEATS = 2


def _target() -> tuple[int, int]:
    return request.args.get("ticket", 0, type=int), request.args.get("attempt", 0, type=int)


def _company(language: str) -> str:
    settings = current_app.config["HOTLINE_SETTINGS"]
    return settings.company_name if language == "zh-CN" else settings.company_name_en


def _said(entry: str, response: VoiceResponse | None = None):
    """`entry` said in the center's language, then goodbye (after what `response` holds already)."""
    language = current_app.config["HOTLINE_SETTINGS"].default_language
    response = VoiceResponse() if response is None else response
    response.say(paging.prompt(language, entry), **say_kwargs(language))
    response.hangup()
    return twiml_response(response)


@bp.post("/answer")
@twilio_webhook
def answer():
    ticket_id, attempt = _target()
    session = db.session()
    ticket = session.get(Ticket, ticket_id)
    response = VoiceResponse()
    if ticket is None or page_calls.acknowledged(session, ticket_id):
        response.hangup()  # acknowledged on an earlier call meanwhile: nothing more to say
        return twiml_response(response)
    language = current_app.config["HOTLINE_SETTINGS"].default_language
    category = word(language, f"category:{ticket.category}") if ticket.category == "urgent" \
        else word(language, ticket.category)
    text = paging.prompt(language, "page", company=_company(language), digits=paging.spelled(ticket.number),
                         category=category)
    gather = response.gather(num_digits=1, timeout=6, method="POST",
                             action=public_url_for("tickets_page.ack", ticket=ticket_id, attempt=attempt))
    for _ in range(REPEATS):
        gather.say(text, **say_kwargs(language))
    return _said("not_acknowledged", response)  # silence: the status callback schedules the next attempt


@bp.post("/ack")
@twilio_webhook
def ack():
    ticket_id, attempt = _target()
    if request.form.get("Digits") != paging.ACK_KEY:
        return _said("not_acknowledged")
    session = db.session()
    page_calls.acknowledge(session, ticket_id, attempt)
    session.commit()
    return _said("thanks")


@bp.post("/status")
@twilio_callback
def status():
    if not request.form.get("CallSid"):
        return "CallSid is required\n", 400
    track_call_status(request.form)
    session = db.session()
    session.commit()
    call_status = request.form.get("CallStatus", "")
    if call_status in FINAL_CALL_STATUSES:
        ticket_id, attempt = _target()
        page_calls.end_attempt(session, ticket_id, attempt, paging.outcome_of(call_status))
        session.commit()
    return "", 204
