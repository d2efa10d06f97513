"""Webhooks of a conference-mode offer (`routing.conference`): the agent's leg, rung over REST,
answers or not, and leaves; the caller is brought into the conference. Each webhook owns its
transaction (see `routing.views`)."""
from __future__ import annotations

import logging

from flask import request
from redis.exceptions import RedisError
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline import db
from hotline.gateway import GatewayError, get_gateway
from hotline.twiml import say_kwargs, twiml_response
from hotline.webhooks import public_url_for, twilio_callback, twilio_webhook
from routing.blueprint import bp
from routing.call_control import ended_by_agent
from routing.conference import agent_joins_twiml, bring_caller_after_commit, caller_joins_twiml
from routing.dial_views import offer_ids, say_queue_to_agent
from routing.hangups import record_hang_up
from routing.lifecycle import agent_left, answered, call_over, caller_left, missed, offered
from routing.models import Offer, RoutedCall
from routing.outage import answered_without_redis, caller_gone, conversation_over_without_redis
from routing.state import get_reservations, get_rules
from routing.transfers import TRANSFER_WORDS, transferring_agent_left

log = logging.getLogger(__name__)
UNANSWERED = {"no-answer", "busy", "failed", "canceled"}


@bp.post("/route/agent")
@twilio_webhook
def agent_answered():
    """The agent picked up the REST call: into the conference, and the caller brought in."""
    sid, agent_id, offer_id = offer_ids()
    session = db.session()
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    first_answer = routed is not None and routed.answered_at is None
    try:
        taken = answered(session, get_reservations(session), sid, agent_id, offer_id)
    except RedisError:
        session.rollback()
        taken = answered_without_redis(session, sid, agent_id, offer_id)
    response = VoiceResponse()
    if not taken:
        session.commit()
        response.hangup()  # the caller is gone or went to someone else
        return twiml_response(response)
    bring_caller_after_commit(session, sid, agent_id, offer_id, record=first_answer)
    session.commit()
    say_queue_to_agent(session, response, sid, agent_id)
    return twiml_response(agent_joins_twiml(response, sid, agent_id, offer_id))


@bp.post("/route/join")
@twilio_webhook
def caller_joins():
    """Where the caller is redirected from the queue once their agent answered."""
    sid, agent_id, offer_id = offer_ids()
    return twiml_response(caller_joins_twiml(sid, agent_id, offer_id))


@bp.post("/route/agent/left")
@twilio_webhook
def agent_left_conference():
    """The agent's Dial action. `CallStatus=completed`: the agent's own leg left (hung up or dropped)
    while the caller stays: the caller goes back to the line. Otherwise the caller ended the
    conference (their own Dial action records that): the agent's leg hangs up."""
    sid, agent_id, _offer_id = offer_ids()
    if request.form.get("CallStatus") == "completed":
        agent_gone(sid, agent_id)
    response = VoiceResponse()
    response.hangup()
    return twiml_response(response)


@bp.post("/route/agent/status")
@twilio_callback
def agent_leg_status():
    """The agent's leg's final status: not answered within the ring limit (missed: the next agent is
    rung at once, the caller listening on), or over (a backstop for a lost Dial action)."""
    sid, agent_id, offer_id = offer_ids()
    status = request.form.get("CallStatus", "")
    session = db.session()
    offer = session.get(Offer, offer_id)
    if offer is None or offer.call_sid != sid or offer.agent_id != agent_id:
        return "unknown offer\n", 400
    if status in UNANSWERED or (status == "completed" and offer.result == "ringing"):
        if offer.result != "ringing":
            return "", 204  # canceled when the caller left, or a retry
        try:
            res = get_reservations(session)
            missed(session, res, sid, agent_id, offer, status if status in UNANSWERED else "no-answer")
            session.commit()  # the miss is on record before the next agent is rung
            offered(session, res, sid)
        except RedisError:
            session.rollback()
            return "routing state unavailable; not recorded, retry\n", 503
        session.commit()
    elif status == "completed" and offer.answered_at is not None and offer.ended_at is None \
            and caller_still_on(sid):  # in order: a REST GET only when the conversation looks unfinished
        agent_gone(sid, agent_id)
    return "", 204


def caller_still_on(sid: str) -> bool:
    """The agent's leg ended without its Dial action (lost) or before it: only a caller Twilio still
    has live was left by their agent; one who hung up has their own Dial action coming, which records
    the end (callbacks race: this may arrive first)."""
    try:
        state = get_gateway().fetch_call(sid)
    except GatewayError:
        return False  # not known now: the Dial action, the call's status callback or the sweep settle it
    return state is not None and state.status == "in-progress"


def agent_gone(sid: str, agent_id: int) -> None:
    session = db.session()
    offer = session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.agent_id == agent_id)
                            .order_by(Offer.id.desc())).first()
    if offer is None or offer.answered_at is None or offer.ended_at is not None:
        return  # not a conversation going on (a retry, or the caller's end already recorded)
    ending = ended_by_agent(session, sid)  # on purpose, from the desk: the caller is being hung up
    try:
        res = get_reservations(session)
        left = agent_left(session, res, sid, agent_id, caller_ending=ending)
        if left is not None:
            record_hang_up(session, sid, agent_id, "agent")
            transferring_agent_left(session, res, sid, agent_id, stays=not left)
        if left and not ending:
            db.after_commit(_back_to_line, session, sid, session=session)
    except RedisError:
        session.rollback()
        conversation_over_without_redis(session, sid, agent_id)
        record_hang_up(session, sid, agent_id, "agent")
        if not ending:
            db.after_commit(_back_to_line, session, sid, session=session)  # routed again there: the outage answer
    session.commit()


HOLD_WORDS = {"zh-CN": "您的通话已被保持，请不要挂机，我们马上回来。",
              "en-US": "You are on hold. Please stay on the line; we will be right back with you."}


@bp.post("/route/on-hold")
@twilio_webhook
def on_hold():
    """A held caller's music (the conference's HoldUrl, played in a loop): a word in their language,
    then the queue's music for that language (`hold_music` in the queue rules), else the shipped segment."""
    language = request.args.get("lang", "zh-CN")
    language = language if language in HOLD_WORDS else "zh-CN"
    rule = get_rules().get(request.args.get("queue", ""))
    response = VoiceResponse()
    if request.args.get("transfer"):
        response.say(TRANSFER_WORDS[language], **say_kwargs(language))
    response.say(HOLD_WORDS[language], **say_kwargs(language))
    response.play((rule.hold_music.get(language) if rule else None) or public_url_for("routing.hold_music"))
    return twiml_response(response)


def _back_to_line(session, sid: str) -> None:
    """After the agent left: redirect the caller out of the conference to be routed again. A caller
    Twilio no longer has (they hung up meanwhile) is gone: taken out of line, their call over."""
    try:
        get_gateway().redirect_call(sid, public_url_for("routing.connect", call=sid))
    except GatewayError as exc:
        if exc.retryable:
            log.warning("could not take the caller back to the line", extra={"call_sid": sid}, exc_info=True)
            return
        try:
            caller_left(session, get_reservations(session), sid)
        except RedisError:
            caller_gone(session, sid)
        call_over(session, sid)
