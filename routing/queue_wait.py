"""What a waiting caller hears (position, expected wait, music, a callback offer), and leaving the line."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from hotline import db
from hotline.gateway import GatewayError, get_gateway
from hotline.twiml import say_kwargs
from hotline.webhooks import public_url_for
from routing.conference import conference_mode, ring_reserved_agent
from routing.lifecycle import caller_left, reserved_for_caller
from routing.models import RoutedCall
from routing.presence import agents_on_shift
from routing.reservations import Reservations
from routing.state import get_reservations, now_ts, restored_caller

log = logging.getLogger(__name__)
DEFAULT_HANDLE_SECONDS = 180.0
ANNOUNCE_EVERY = 45.0
PROMPTS = {
    "zh-CN": {
        "next": "您是下一位，请稍候，我们马上为您接通。",
        "ahead": "您前面还有{ahead}位客户，预计等待约{minutes}分钟。",
        "callback": "如不想继续等待，请按1，轮到您时我们会给您回电，并为您保留排队位置。",
    },
    "en-US": {
        "next": "You are next in line. Please hold; an agent will be with you shortly.",
        "ahead": "There {verb} {ahead} {callers} ahead of you. The expected wait is about {minutes} {unit}.",
        "callback": "To be called back instead of holding, press 1. You keep your place in line.",
    },
}


def expected_wait_seconds(position: int, handle_seconds: float, agents_staffed: int) -> float:
    """Callers ahead, each taking a handle time, served by the staffed agents in parallel."""
    return max(0, position - 1) * handle_seconds / max(1, agents_staffed)


def position_prompt(language: str, position: int, wait_seconds: float) -> str:
    texts = PROMPTS.get(language, PROMPTS["zh-CN"])
    if position <= 1:
        return texts["next"]
    ahead = position - 1
    minutes = max(1, round(wait_seconds / 60))
    return texts["ahead"].format(ahead=ahead, minutes=minutes, verb="is" if ahead == 1 else "are",
                                 callers="caller" if ahead == 1 else "callers",
                                 unit="minute" if minutes == 1 else "minutes")


def average_handle_seconds(session: Session, queue: str) -> float:
    recent = select(RoutedCall.answered_at, RoutedCall.ended_at).where(
        RoutedCall.queue == queue, RoutedCall.ended_at.is_not(None), RoutedCall.answered_at.is_not(None)
    ).order_by(RoutedCall.id.desc()).limit(50)
    rows = session.execute(recent).all()
    if not rows:
        return DEFAULT_HANDLE_SECONDS
    return sum((ended - answered).total_seconds() for answered, ended in rows) / len(rows)


def wait_twiml(session: Session, res: Reservations, sid: str) -> VoiceResponse:
    """One cycle of waiting: leave at once if an agent is reserved, else announce and play music.
    The webhook commits."""
    response = VoiceResponse()
    call = res.waiting_call(sid) or restored_caller(session, res, sid)
    if call is None or call.meta.get("state") == "done":
        response.leave()
        return response
    if call.meta.get("state") == "waiting":
        # Each cycle re-checks: the caller's wait may have reached a wider escalation step.
        reserved_for_caller(session, res, call)
    state = res.call(sid).get("state")
    if conference_mode():
        # The agent is rung over REST while the caller listens on; answered, the caller comes out
        # (normally redirected at once; this `<Leave>` is for a redirect that was lost).
        if state == "reserved":
            ring_reserved_agent(session, res, sid)
        elif state == "connected":
            response.leave()
            return response
    elif state == "reserved":
        if res.claim_handover(sid, "leave", now_ts()) is not None:
            response.leave()
            return response
    language = call.language
    position = res.position(sid)
    if position and announcement_due(res, sid, position):
        rule_skill = current_app.extensions["routing.rules"].current().queues[call.queue].skill
        wait = expected_wait_seconds(position, average_handle_seconds(session, call.queue),
                                     agents_on_shift(rule_skill, language))
        response.say(position_prompt(language, position, wait), **say_kwargs(language))
    if callback_due(res, sid, call.entered_at):
        gather = response.gather(num_digits=1, timeout=4, action=public_url_for("routing.callback", call=sid))
        gather.say(PROMPTS.get(language, PROMPTS["zh-CN"])["callback"], **say_kwargs(language))
    response.play(public_url_for("routing.hold_music"))
    return response


def announcement_due(res: Reservations, sid: str, position: int) -> bool:
    """Tell the caller their place when they arrive, when it changes, and every ANNOUNCE_EVERY seconds;
    otherwise the music just goes on."""
    stamp = now_ts()
    data = res.call(sid)
    if data.get("announced_position") == str(position) and stamp - float(data.get("announced_at") or 0) < ANNOUNCE_EVERY:
        return False
    res.redis.hset(f"routing:call:{sid}", mapping={"announced_position": position, "announced_at": repr(stamp)})
    return True


def callback_due(res: Reservations, sid: str, entered: float) -> bool:
    """Offer a callback about every CALLBACK_OFFER_SECONDS of waiting (the first after that long)."""
    every = current_app.config["HOTLINE_SETTINGS"].callback_offer_seconds
    stamp = now_ts()
    last = float(res.call(sid).get("callback_offered") or entered)
    if stamp - last < every:
        return False
    res.redis.hset(f"routing:call:{sid}", "callback_offered", repr(stamp))
    return True


def pull_from_queue(sid: str) -> bool:
    """RQ job: an agent was reserved for this caller; take them out of the Twilio queue now (in
    conference mode: ring the agent now, the caller listening on)."""
    session = db.session()
    res = get_reservations(session)
    if conference_mode():  # the caller stays in the queue while their agent is rung
        rung = ring_reserved_agent(session, res, sid)
        session.commit()
        return rung is not None
    if res.claim_handover(sid, "redirect", now_ts()) is None:
        return False  # already leaving through the waitUrl, or no longer reserved
    try:
        get_gateway().redirect_call(sid, public_url_for("routing.connect", call=sid))
    except GatewayError as exc:
        if exc.retryable:
            raise
        log.info("caller gone before being pulled from the queue", extra={"call_sid": sid})
        caller_left(session, res, sid)
        session.commit()
        return False
    return True

