"""Webhooks of a transfer (`routing.transfers`): the caller redirected to be offered again or to dial
an outside number, and the consulted leg's status callbacks. Each webhook owns its transaction."""
from __future__ import annotations

import logging

from flask import current_app, request
from redis.exceptions import RedisError
from sqlalchemy import select
from twilio.twiml.voice_response import Dial, VoiceResponse

from hotline import db
from hotline.clock import now
from hotline.twiml import say_kwargs, twiml_response
from hotline.webhooks import public_url_for, twilio_callback, twilio_webhook
from routing.blueprint import bp
from routing.call_control import caller_language
from routing.conference_views import agent_gone, caller_still_on
from routing.lifecycle import call_over, offered
from hotline.models import Call
from routing.models import RoutedCall, Transfer
from routing.monitoring import monitor_leg_over
from routing.outage import outage_answer
from routing.state import get_reservations
from routing.transfers import TRANSFER_WORDS, back_in_line, consult_leg

log = logging.getLogger(__name__)


def _transfer() -> Transfer | None:
    transfer = db.session().get(Transfer, request.args.get("transfer", 0, type=int))
    return transfer if transfer is not None and transfer.call_sid == request.args.get("call") else None


def _say_transferring(response: VoiceResponse, sid: str) -> None:
    language, _queue = caller_language(db.session(), sid)
    language = language if language in TRANSFER_WORDS else "zh-CN"
    response.say(TRANSFER_WORDS[language], **say_kwargs(language))


@bp.post("/route/transferred")
@twilio_webhook
def transferred():
    """A cold transfer to a queue or an agent: "transferring you", then offered like any waiting caller
    (already back in line, first to be served)."""
    sid = request.args.get("call", "")
    response = VoiceResponse()
    _say_transferring(response, sid)
    response.redirect(public_url_for("routing.connect", call=sid))
    return twiml_response(response)


@bp.post("/route/transfer/out")
@twilio_webhook
def transfer_out():
    """A cold transfer to an outside number (a department's line): "transferring you", then dial it."""
    transfer = _transfer()
    response = VoiceResponse()
    if transfer is None:
        response.hangup()
        return twiml_response(response)
    _say_transferring(response, transfer.call_sid)
    dial = Dial(timeout=current_app.config["HOTLINE_SETTINGS"].ring_timeout_seconds * 2,
                action=public_url_for("routing.transfer_out_done", call=transfer.call_sid, transfer=transfer.id))
    dial.number(transfer.target)
    response.append(dial)
    return twiml_response(response)


@bp.post("/route/transfer/out/done")
@twilio_webhook
def transfer_out_done():
    """The outside Dial's action: answered and over, or not answered: back in line, first to be
    served (never dropped)."""
    transfer = _transfer()
    response = VoiceResponse()
    if transfer is None:
        response.hangup()
        return twiml_response(response)
    session = db.session()
    sid = transfer.call_sid
    if request.form.get("DialCallStatus") == "completed":
        if transfer.status == "dialing":
            transfer.status, transfer.ended_at = "completed", now()
        call_over(session, sid)
        session.commit()
        response.hangup()
        return twiml_response(response)
    if transfer.status == "dialing":
        transfer.status, transfer.ended_at = "no-answer", now()
    try:
        res = get_reservations(session)
        routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
        back_in_line(res, routed)
        response = offered(session, res, sid)
    except RedisError:
        session.rollback()
        response = outage_answer(session, sid)
    session.commit()
    return twiml_response(response)


@bp.post("/route/transfer/leg")
@twilio_callback
def transfer_leg():
    """The consulted colleague's (or number's) leg: answered, not answered, or over."""
    transfer = _transfer()
    if transfer is None:
        return "unknown transfer\n", 400
    leg = request.form.get("CallSid", "")
    if transfer.leg_sid and leg and leg != transfer.leg_sid:
        return "", 204  # an earlier agent's leg of a queue's consult: settled when it rang out
    session = db.session()
    status = request.form.get("CallStatus", "")
    sid, agent_id = transfer.call_sid, transfer.to_agent_id
    try:
        outcome = consult_leg(session, get_reservations(session), transfer, status)
    except RedisError:
        session.rollback()
        return "routing state unavailable; not recorded, retry\n", 503
    session.commit()
    if outcome == "gone" and agent_id is not None and caller_still_on(sid):
        agent_gone(sid, agent_id)  # the colleague, who had taken the call, left it
    return "", 204


@bp.post("/route/monitor/leg")
@twilio_callback
def monitor_leg():
    """The supervisor's monitoring leg: once it is over, so is the monitoring."""
    if request.form.get("CallStatus") in ("completed", "no-answer", "busy", "failed", "canceled"):
        session = db.session()
        call = session.scalars(select(Call).where(Call.sid == request.args.get("call", ""))).first()
        if call is not None:
            monitor_leg_over(session, call, request.form.get("CallSid", ""))
            session.commit()
    return "", 204
