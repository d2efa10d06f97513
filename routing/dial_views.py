"""Webhooks of an offer: the agent's whisper (they answered), the Dial's outcome, callback legs.
Each webhook owns its transaction (see `routing.views`)."""
from __future__ import annotations

from flask import request
from redis.exceptions import RedisError
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline import db
from hotline.calls import ensure_call
from hotline.clock import now
from hotline.twiml import say_kwargs, twiml_response
from hotline.webhooks import twilio_callback, twilio_webhook
from routing.blueprint import bp
from routing.callbacks import agent_leg_twiml, agent_leg_unanswered
from routing.conference import conference_mode
from routing.hangups import hung_up_first, record_hang_up
from routing.lifecycle import (answered, call_over, caller_left, conversation_ended, free_after_commit, missed,
                               offered)
from routing.models import Agent, Offer, RoutedCall
from routing.offers import dial_outcome
from routing.outage import answered_without_redis, caller_gone, conversation_over_without_redis, outage_answer
from routing.state import get_reservations, now_ts, record_status
from routing.transfers import caller_gone_from_transfer

QUEUE_NAMES = {"zh-CN": {"inquiry": "咨询", "problem": "故障报修", "complaint": "投诉", "suggestion": "意见建议",
                         "urgent": "紧急", "aftersales": "售后回访", "night": "夜间"},
               "en-US": {"inquiry": "inquiry", "problem": "problem report", "complaint": "complaint",
                         "suggestion": "suggestion", "urgent": "urgent", "aftersales": "after-sales",
                         "night": "night shift"}}


def offer_ids() -> tuple[str, int, int]:
    """The call, agent and offer an offer's webhook URL names."""
    return request.args.get("call", ""), request.args.get("agent", 0, type=int), request.args.get("offer", 0, type=int)


@bp.post("/route/whisper")
@twilio_webhook
def whisper():
    """Runs on the agent's leg when they pick up, before the caller is connected."""
    sid, agent_id, offer_id = offer_ids()
    session = db.session()
    response = VoiceResponse()
    try:
        taken = answered(session, get_reservations(session), sid, agent_id, offer_id)
    except RedisError:
        session.rollback()
        taken = answered_without_redis(session, sid, agent_id, offer_id)
    session.commit()
    if not taken:
        response.hangup()  # the reservation is gone; never connect an agent to someone else's caller
        return twiml_response(response)
    say_queue_to_agent(session, response, sid, agent_id)
    return twiml_response(response)


def say_queue_to_agent(session, response: VoiceResponse, sid: str, agent_id: int) -> None:
    """The queue's name, in the agent's first language: what kind of call this is."""
    agent = session.get(Agent, agent_id)
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    language = agent.languages[0] if agent and agent.languages else "zh-CN"
    if routed is not None:
        name = QUEUE_NAMES.get(language, QUEUE_NAMES["zh-CN"]).get(routed.queue, routed.queue)
        response.say(name, **say_kwargs(language))


@bp.post("/route/dialed")
@twilio_webhook
def dialed():
    """The Dial's action: answered and over, or not answered (next agent at once), or caller gone."""
    sid, agent_id, offer_id = offer_ids()
    callback = request.args.get("kind") == "callback"
    session = db.session()
    offer = session.get(Offer, offer_id)
    if offer is None or offer.call_sid != sid:
        return "unknown offer\n", 400
    outcome = dial_outcome(request.form)
    try:
        response = _dialed(session, get_reservations(session), offer, sid, agent_id, offer_id, outcome, callback)
    except RedisError:
        session.rollback()
        response = VoiceResponse()
        if outcome == "answered" or callback:
            conversation_over_without_redis(session, sid, agent_id)
            if outcome == "answered":
                record_hang_up(session, sid, agent_id, hung_up_first(request.form.get("CallStatus", ""), callback))
            if not callback:
                call_over(session, sid)
            response.hangup()
        elif outcome == "canceled":
            caller_gone(session, sid)
        else:
            response = outage_answer(session, sid)  # not answered: overflow or a message
    session.commit()
    return twiml_response(response)


def _dialed(session, res, offer: Offer, sid: str, agent_id: int, offer_id: int, outcome: str,
            callback: bool) -> VoiceResponse:
    response = VoiceResponse()
    if outcome == "answered" and not callback and conference_mode():
        return _conference_over(session, res, offer, sid, agent_id, offer_id)
    if offer.ended_at is not None or offer.result in {"missed", "canceled"}:
        # A retried callback: answer as before, changing nothing.
        if outcome == "missed" and not callback:
            return offered(session, res, sid)
        response.hangup()
        return response
    if outcome == "answered":
        if offer.answered_at is None:
            answered(session, res, sid, agent_id, offer_id)
        conversation_ended(session, res, sid, agent_id)
        record_hang_up(session, sid, agent_id, hung_up_first(request.form.get("CallStatus", ""), callback))
        response.hangup()
        if not callback:
            call_over(session, sid)
        return response
    if callback:  # the agent answered but the customer did not
        routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
        routed.outcome, routed.ended_at = "unreached", now()
        offer.ended_at = now()
        if res.release(agent_id, sid, "available", now_ts()):
            record_status(session, agent_id, "available", "customer_unreached", sid)
        free_after_commit(session, res, agent_id)
        response.hangup()
        return response
    if outcome == "canceled":
        caller_left(session, res, sid)
        return response
    missed(session, res, sid, agent_id, offer, request.form.get("DialCallStatus", "no-answer"))
    session.commit()  # the miss is on record before the next offer is tried
    return offered(session, res, sid)


def _conference_over(session, res, offer: Offer, sid: str, agent_id: int, offer_id: int) -> VoiceResponse:
    """The caller's conference Dial ended (conference mode): every agent still with the caller
    (after a transfer or in a three-way call, not only the one the Dial's URL names) is done, a
    consult still ringing is called off, and the call is over. A retry finds nothing open."""
    response = VoiceResponse()
    response.hangup()
    if offer.answered_at is None and offer.ended_at is None:
        answered(session, res, sid, agent_id, offer_id)
    party = hung_up_first(request.form.get("CallStatus", ""))
    still_on = session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.answered_at.is_not(None),
                                                   Offer.ended_at.is_(None)).order_by(Offer.id)).all()
    for conversation in still_on:
        conversation_ended(session, res, sid, conversation.agent_id)
        record_hang_up(session, sid, conversation.agent_id, party)
    caller_gone_from_transfer(session, res, sid)
    if still_on or not ensure_call(session, sid, {}, apply_call_status=False).is_final:
        call_over(session, sid)
    return response


@bp.post("/route/callback/agent")
@twilio_webhook
def callback_agent():
    sid, agent_id, offer_id = offer_ids()
    session = db.session()
    try:
        response = agent_leg_twiml(session, get_reservations(session), sid, agent_id, offer_id)
    except RedisError:  # the agent hears why, and the callback stays requested in the database
        session.rollback()
        response = VoiceResponse()
        response.say("对不起，系统繁忙。 Sorry, routing is unavailable; this callback will be retried.")
        response.hangup()
        return twiml_response(response)
    session.commit()
    return twiml_response(response)


@bp.post("/route/callback/status")
@twilio_callback
def callback_leg():
    sid, agent_id, offer_id = offer_ids()
    if request.form.get("CallStatus") in {"no-answer", "busy", "failed", "canceled"}:
        session = db.session()
        try:
            agent_leg_unanswered(session, get_reservations(session), sid, agent_id, offer_id)
        except RedisError:  # not done: say so, so that Twilio retries (with #rc= on the URL)
            session.rollback()
            return "routing state unavailable; not recorded, retry\n", 503
        session.commit()
    return "", 204
