"""Where a caller goes while Redis, routing's live state, cannot be reached.

Queueing needs Redis (the waiting line and the agents' reservations live there), so a routing
webhook that meets a `RedisError` answers with this instead of an error: the caller is dialled
to the overflow number (HOTLINE_OVERFLOW_NUMBER, a person elsewhere) if one is set, else asked
for a message, which becomes a callback ticket (the IVR's voicemail: `MenuCalls.take_message`).
Before that the caller is held: a pause, then routed again (POST /voice/route with `held=<seconds>`),
until REDIS_OUTAGE_HOLD_SECONDS have passed. A Redis that is restarting (the supervisor restarts
the embedded one within a second or two, and the breaker probes it again after its cool-down) is
back by then, and the caller reaches an agent instead of a message nobody asked for. Each answer
is still immediate; only the caller waits, at most the hold.
Either way the database says so first (`routing_outage` in the call's history, the routed call's
outcome `overflow`), so nothing waits in a line that no longer exists when Redis comes back.
The webhooks roll back what the failed attempt had begun before calling these, and commit after.
"""
from __future__ import annotations

import logging

from flask import current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import Dial, VoiceResponse

from hotline.contracts import CallAnswered, MenuCalls, provided, publish_after_commit
from hotline.calls import ensure_call, record_event
from hotline.clock import now
from hotline.logging import mask_phone
from hotline.webhooks import callback_url, public_url_for
from routing.models import Offer, RoutedCall
from routing.state import record_status

log = logging.getLogger(__name__)
OVERFLOW_RING_SECONDS = 30
HOLD_STEP_SECONDS = 3  # each pause of the hold: shorter than the breaker's cool-down is pointless
MESSAGE_CATEGORY = "inquiry"


def outage_answer(session: Session, sid: str, *, language: str | None = None, queue: str | None = None) -> VoiceResponse:
    """TwiML that takes the caller to a person (overflow) or a message, after noting it durably."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first() if sid else None
    language = language or (routed.language if routed else "") or settings.default_language
    queue = queue or (routed.queue if routed else "") or MESSAGE_CATEGORY
    held = held_seconds()
    if sid and held < settings.redis_outage_hold_seconds:
        log.warning("Redis unavailable: caller held (%d s so far), then routed again", held, extra={"call_sid": sid})
        return hold_then_route(queue, language, held)
    destination = "overflow" if settings.overflow_number else "voicemail"
    if sid:
        if routed is not None and routed.outcome == "waiting":
            routed.outcome = "overflow"
        record_event(session, ensure_call(session, sid, {}, apply_call_status=False), "routing_outage",
                     destination=destination, queue=queue)
    log.warning("Redis unavailable: caller sent to %s",
                mask_phone(settings.overflow_number) if settings.overflow_number else "voicemail",
                extra={"call_sid": sid})
    if settings.overflow_number:
        response = VoiceResponse()
        dial = Dial(timeout=OVERFLOW_RING_SECONDS, record="record-from-answer-dual",
                    action=public_url_for("routing.overflow_dialed", call=sid, lang=language, queue=queue),
                    recording_status_callback=callback_url("recordings.status_callback"))
        dial.number(settings.overflow_number)
        response.append(dial)
        return response
    return take_message(language, queue)


def held_seconds() -> int:
    """How long this caller has been held for an outage already (the `held` of the routing URL)."""
    if not has_request_context():
        return 0
    held = request.args.get("held", 0, type=int)
    return held if held and held > 0 else 0


def hold_then_route(queue: str, language: str, held: int) -> VoiceResponse:
    """A pause, then the caller is routed again (POST /voice/route), counting the time held."""
    pause = HOLD_STEP_SECONDS
    response = VoiceResponse()
    response.pause(length=pause)
    response.redirect(public_url_for("routing.enter", queue=queue, lang=language, held=held + pause), method="POST")
    return response


def take_message(language: str, queue: str) -> VoiceResponse:
    """The IVR's voicemail (a callback ticket once recorded); a plain apology if there is no IVR."""
    ivr = provided(MenuCalls)
    if ivr is not None:
        return ivr.take_message(language, queue)
    response = VoiceResponse()
    response.say("对不起，系统繁忙，请稍后再拨。 Sorry, we are having trouble. Please call again later.")
    response.hangup()
    return response


def stays_in_queue_twiml() -> VoiceResponse:
    """For a waitUrl (which may not Dial or Record): leave the Twilio queue; its action,
    /voice/route/left, then answers with `outage_answer`."""
    response = VoiceResponse()
    response.leave()
    return response


def caller_gone(session: Session, sid: str) -> None:
    """The caller hung up while Redis is down: what `caller_left` records, without the live line."""
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    if routed is not None and routed.outcome == "waiting":
        routed.outcome = "abandoned"
        routed.abandoned_at = routed.ended_at = now()
    for offer in session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.result == "ringing")):
        offer.result, offer.ended_at = "canceled", now()


def answered_without_redis(session: Session, sid: str, agent_id: int, offer_id: int) -> bool:
    """An agent picked up an offer made before Redis went down: connect them if the database says
    the offer is this caller's and still ringing, and record the answer there (the live state is
    rebuilt from the database; the agent's reservation in Redis expires on its own)."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.call_sid != sid or offer.agent_id != agent_id or offer.ended_at is not None \
            or offer.result not in {"ringing", "answered"}:
        return False
    if offer.answered_at is None:
        offer.answered_at, offer.result = now(), "answered"
        routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
        if routed is not None and routed.answered_at is None:
            routed.answered_at, routed.agent_id, routed.outcome = now(), agent_id, "answered"
        record_status(session, agent_id, "on_call", "answered", sid)
        publish_after_commit(CallAnswered(sid, agent_id), session)
    return True


def conversation_over_without_redis(session: Session, sid: str, agent_id: int) -> None:
    """The Dial to an agent ended while Redis is down: close the offer and the routed call; the
    agent is marked available in the database (wrap-up needs the live state)."""
    for offer in session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.agent_id == agent_id,
                                                     Offer.ended_at.is_(None))):
        offer.ended_at = now()
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    if routed is not None and routed.ended_at is None:
        routed.ended_at = now()
    record_status(session, agent_id, "available", "redis_outage", sid)
