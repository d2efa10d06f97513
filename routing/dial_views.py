"""Webhooks of an offer: the agent's whisper (they answered), the Dial's outcome, callback legs."""
from __future__ import annotations

from flask import current_app, request
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline import db
from hotline.clock import now
from hotline.twiml import say_kwargs, twiml_response
from hotline.webhooks import twilio_webhook
from routing.abandon import caller_left
from routing.callbacks import agent_leg_twiml, agent_leg_unanswered
from routing.models import Agent, Offer, RoutedCall
from routing.offers import dial_outcome, offer_or_enqueue, record_answer
from routing.state import get_reservations, now_ts, record_status
from routing.views import announce_end, bp
from routing.wrapup import agent_freed, finish_conversation

QUEUE_NAMES = {"zh-CN": {"inquiry": "咨询", "problem": "故障报修", "complaint": "投诉", "urgent": "紧急",
                         "aftersales": "售后回访", "night": "夜间"},
               "en-US": {"inquiry": "inquiry", "problem": "problem report", "complaint": "complaint",
                         "urgent": "urgent", "aftersales": "after-sales", "night": "night shift"}}


def _ids() -> tuple[str, int, int]:
    return request.args.get("call", ""), request.args.get("agent", 0, type=int), request.args.get("offer", 0, type=int)


@bp.post("/route/whisper")
@twilio_webhook
def whisper():
    """Runs on the agent's leg when they pick up, before the caller is connected."""
    sid, agent_id, offer_id = _ids()
    session = db.session()
    response = VoiceResponse()
    if not record_answer(session, get_reservations(session), sid, agent_id, offer_id, current_app._get_current_object()):
        response.hangup()  # the reservation is gone; never connect an agent to someone else's caller
        return twiml_response(response)
    agent = session.get(Agent, agent_id)
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    language = agent.languages[0] if agent and agent.languages else "zh-CN"
    if routed is not None:
        name = QUEUE_NAMES.get(language, QUEUE_NAMES["zh-CN"]).get(routed.queue, routed.queue)
        response.say(name, **say_kwargs(language))
    return twiml_response(response)


@bp.post("/route/dialed")
@twilio_webhook
def dialed():
    """The Dial's action: answered and over, or not answered (next agent at once), or caller gone."""
    sid, agent_id, offer_id = _ids()
    callback = request.args.get("kind") == "callback"
    session = db.session()
    res = get_reservations(session)
    offer = session.get(Offer, offer_id)
    if offer is None or offer.call_sid != sid:
        return "unknown offer\n", 400
    outcome = dial_outcome(request.form)
    response = VoiceResponse()
    if offer.ended_at is not None or offer.result in {"missed", "canceled"}:
        # A retried callback: answer as before, changing nothing.
        if outcome == "missed" and not callback:
            return twiml_response(offer_or_enqueue(session, res, sid))
        response.hangup()
        return twiml_response(response)
    if outcome == "answered":
        if offer.answered_at is None:
            record_answer(session, res, sid, agent_id, offer_id, current_app._get_current_object())
        finish_conversation(session, res, sid, agent_id)
        response.hangup()
        if not callback:
            announce_end(session, sid)
        return twiml_response(response)
    if callback:  # the agent answered but the customer did not
        routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
        routed.outcome, routed.ended_at = "unreached", now()
        offer.ended_at = now()
        if res.release(agent_id, sid, "available", now_ts()):
            record_status(session, agent_id, "available", "customer_unreached", sid)
        session.commit()
        agent_freed(session, res, agent_id)
        response.hangup()
        return twiml_response(response)
    if outcome == "canceled":
        caller_left(session, res, sid)
        return twiml_response(response)
    offer.result, offer.ended_at = "missed", now()
    if res.release(agent_id, sid, "missed", now_ts(), requeue=True):
        record_status(session, agent_id, "missed", request.form.get("DialCallStatus", "no-answer"), sid)
    session.commit()
    response = offer_or_enqueue(session, res, sid)
    session.commit()
    return twiml_response(response)


@bp.post("/route/callback/agent")
@twilio_webhook
def callback_agent():
    sid, agent_id, offer_id = _ids()
    session = db.session()
    response = agent_leg_twiml(session, get_reservations(session), sid, agent_id, offer_id,
                               current_app._get_current_object())
    session.commit()
    return twiml_response(response)


@bp.post("/route/callback/status")
@twilio_webhook
def callback_leg():
    sid, agent_id, offer_id = _ids()
    if request.form.get("CallStatus") in {"no-answer", "busy", "failed", "canceled"}:
        session = db.session()
        agent_leg_unanswered(session, get_reservations(session), sid, agent_id, offer_id)
    return "", 204
