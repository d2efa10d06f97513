"""Where the IVR hands a caller over (POST /voice/route?queue=<skill>&priority=<n>) and the
webhooks of their wait in the queue. Each webhook owns its transaction: what it asks of
`routing.lifecycle` is committed here, and the jobs and events that follow run after that."""
from __future__ import annotations

import logging

from flask import current_app, request
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from twilio.twiml.voice_response import VoiceResponse

from hotline import db
from hotline.calls import ensure_call, record_event
from hotline.clock import now
from hotline.contracts import CallerDirectory, MenuCalls, provided
from hotline.twiml import LANGUAGES, twiml_response
from hotline.webhooks import public_url_for, twilio_webhook
from routing.blueprint import bp
from routing.callbacks import request_callback
from routing.hold_music import hold_segment_wav
from routing.lifecycle import call_over, caller_arrived, caller_left, offered
from routing.matching import WaitingCall, call_priority
from routing.models import RoutedCall
from routing.outage import caller_gone, outage_answer, stays_in_queue_twiml, take_message
from routing.queue_wait import wait_twiml
from routing.state import get_reservations, get_rules

log = logging.getLogger(__name__)


def is_vip(number: str) -> bool:
    """From the caller directory's Redis copy (tickets'), not the customers table: the arrival
    webhook pays a Redis round trip, not a query (the record only while the copy is incomplete)."""
    directory = provided(CallerDirectory)
    facts = directory.facts(number) if directory is not None and number else None
    return facts is not None and facts.vip


def _sid() -> str:
    return request.args.get("call") or request.form.get("CallSid", "")


def _routed_call(session, sid: str, queue: str, language: str, vip: bool) -> RoutedCall:
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    if routed is not None:
        return routed
    rules = get_rules()
    priority = call_priority(rules.queues[queue], vip, rules.vip_boost, request.args.get("priority", type=int))
    routed = RoutedCall(call_sid=sid, queue=queue, language=language, priority=priority, vip=vip,
                        entered_at=now(), outcome="waiting", offers=0)
    try:
        with session.begin_nested():
            session.add(routed)
    except IntegrityError:  # the same webhook, retried, raced us to it
        routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
    return routed


@bp.post("/route")
@twilio_webhook
def enter():
    sid = request.form.get("CallSid", "")
    if not sid:
        return "CallSid is required\n", 400
    queue = request.args.get("queue", "inquiry")
    if queue not in get_rules().queues:
        log.warning("unknown queue %r; routing to inquiry", queue, extra={"call_sid": sid})
        queue = "inquiry"
    ivr = provided(MenuCalls)
    if ivr is not None:
        ivr.settle_call(sid)  # the IVR's path (and its ticket) reach the database before an agent sees the call
    session = db.session()
    call = ensure_call(session, sid, request.form)
    language = request.args.get("lang") or call.language or current_app.config["HOTLINE_SETTINGS"].default_language
    if language not in LANGUAGES:
        language = current_app.config["HOTLINE_SETTINGS"].default_language
    routed = _routed_call(session, sid, queue, language, is_vip(call.from_number))
    if routed.offers == 0 and not request.args.get("held"):  # not again after an outage's hold
        record_event(session, call, "queue_entered", queue=routed.queue, priority=routed.priority, vip=routed.vip)
    # The caller is on record before the live line is tried: an outage answer below finds them.
    session.commit()
    try:
        res = get_reservations(session)
        response = caller_arrived(session, res, WaitingCall(sid, routed.queue, routed.language, routed.priority,
                                                            routed.entered_at.timestamp()))
    except RedisError:
        return _outage(session, outage_answer, sid, language=language, queue=queue)
    session.commit()
    return twiml_response(response)


def _outage(session, answer, *args, **kwargs):
    """Answer a Redis failure: what the failed attempt had begun is not what happened (rolled
    back), the outage's record is committed, then the caller hears `answer`'s TwiML."""
    session.rollback()
    response = answer(session, *args, **kwargs)
    session.commit()
    return twiml_response(response if response is not None else VoiceResponse())


@bp.post("/route/wait")
@twilio_webhook
def wait():
    session = db.session()
    try:
        response = wait_twiml(session, get_reservations(session), _sid())
    except RedisError:
        session.rollback()
        return twiml_response(stays_in_queue_twiml())
    session.commit()
    return twiml_response(response)


@bp.post("/route/left")
@twilio_webhook
def left():
    """The Enqueue's action: why the caller left the Twilio queue."""
    sid, result = _sid(), request.form.get("QueueResult", "")
    session = db.session()
    try:
        response = _left(session, sid, result)
    except RedisError:
        if result == "hangup":  # nobody to answer; the call's end still counts
            return _outage(session, _gone_and_over, sid)
        return _outage(session, outage_answer, sid)
    session.commit()
    return twiml_response(response)


def _gone_and_over(session, sid: str) -> None:
    caller_gone(session, sid)
    call_over(session, sid)


def _left(session, sid: str, result: str) -> VoiceResponse:
    res = get_reservations(session)
    if result == "leave":
        return offered(session, res, sid)
    if result in {"hangup", "error", "queue-full"} and res.call(sid).get("callback") != "1":
        if result == "hangup":
            caller_left(session, res, sid)
            call_over(session, sid)
        else:
            return offered(session, res, sid)
    return VoiceResponse()


@bp.post("/route/connect")
@twilio_webhook
def connect():
    """Where the gateway redirects a caller pulled out of the queue for their reserved agent."""
    session = db.session()
    try:
        response = offered(session, get_reservations(session), _sid())
    except RedisError:
        return _outage(session, outage_answer, _sid())
    session.commit()
    return twiml_response(response)


@bp.post("/route/overflow")
@twilio_webhook
def overflow_dialed():
    """The overflow Dial's action (see routing.outage): over if answered, else a message."""
    sid = _sid()
    if request.form.get("DialCallStatus") in {"completed", "answered"}:
        session = db.session()
        call_over(session, sid)
        session.commit()
        response = VoiceResponse()
        response.hangup()
        return twiml_response(response)
    return twiml_response(take_message(request.args.get("lang", ""), request.args.get("queue", "inquiry")))


@bp.post("/route/callback")
@twilio_webhook
def callback():
    """The caller's answer to the callback offer: 1 keeps their place without holding."""
    session = db.session()
    sid = _sid()
    try:
        res = get_reservations(session)
        state = res.call(sid).get("state")
        if request.form.get("Digits") == "1" and state == "waiting":
            response = request_callback(session, res, sid)
            session.commit()
            return twiml_response(response)
    except RedisError:  # a callback cannot be promised without the line: leave for the outage answer
        session.rollback()
        return twiml_response(stays_in_queue_twiml())
    response = VoiceResponse()
    if state == "reserved":
        response.leave()
    else:  # back to waiting, where the next announcement and the agent check come from
        response.redirect(public_url_for("routing.wait", call=sid), method="POST")
    return twiml_response(response)


@bp.get("/route/hold.wav")
def hold_music():
    return current_app.response_class(hold_segment_wav(), mimetype="audio/wav",
                                      headers={"Cache-Control": "public, max-age=86400"})
