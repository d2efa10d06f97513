"""Callback in place of holding: the caller keeps their place; at their turn the agent is called
first and then the customer, by an RQ job. The webhooks and jobs that call these commit."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import Dial, VoiceResponse

from hotline import db, jobs
from hotline.clock import now
from hotline.gateway import GatewayError, get_gateway
from hotline.models import Call
from hotline.twiml import say_kwargs
from hotline.webhooks import callback_url, public_url_for
from routing.lifecycle import answered, missed, reserved_for_caller
from routing.models import Agent, Offer, RoutedCall
from routing.reservations import Reservations
from routing.state import get_reservations, now_ts, record_status
from hotline.phone import try_normalise

log = logging.getLogger(__name__)
CONFIRM = {"zh-CN": "好的，轮到您时我们会给您回电，您的排队位置不变。感谢您的来电，再见。",
           "en-US": "Thank you. We will call you back when it is your turn; you keep your place in line. Goodbye."}
AGENT_INTRO = {"zh-CN": "回电客户，正在为您接通。", "en-US": "Calling back a customer from the queue; connecting now."}


def request_callback(session: Session, res: Reservations, sid: str) -> VoiceResponse:
    call_row = session.scalars(select(Call).where(Call.sid == sid)).first()
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
    res.redis.hset(f"routing:call:{sid}", "callback", "1")
    routed.callback_requested_at = now()
    # Stored as E.164 only when libphonenumber finds it valid: "anonymous" or a bad From is no number to call.
    routed.callback_number = try_normalise(call_row.from_number if call_row else None,
                                           current_app.config["HOTLINE_SETTINGS"].default_country_code)
    response = VoiceResponse()
    response.say(CONFIRM.get(routed.language, CONFIRM["zh-CN"]), **say_kwargs(routed.language))
    response.hangup()
    return response


def connect_callback(sid: str, agent_id: int) -> bool:
    """RQ job: call the reserved agent; once they answer, their TwiML dials the customer."""
    session = db.session()
    res = get_reservations(session)
    if res.call(sid).get("agent") != str(agent_id) or res.call(sid).get("state") != "reserved":
        return False
    agent = session.get(Agent, agent_id)
    settings = current_app.config["HOTLINE_SETTINGS"]
    offer = Offer(call_sid=sid, agent_id=agent_id, offered_at=now(), result="ringing")
    session.add(offer)
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
    routed.offers += 1
    session.flush()
    try:
        placed = get_gateway().place_call(
            agent.address, public_url_for("routing.callback_agent", call=sid, agent=agent_id, offer=offer.id),
            status_callback=callback_url("routing.callback_leg", call=sid, agent=agent_id, offer=offer.id),
            status_events=("completed",), timeout=settings.ring_timeout_seconds)
    except GatewayError:
        session.rollback()
        res.release(agent_id, sid, "available", now_ts(), requeue=True)
        record_status(session, agent_id, "available", "callback_failed", sid)
        session.commit()
        raise
    offer.leg_sid = placed.sid
    session.commit()
    return True


def agent_leg_twiml(session: Session, res: Reservations, sid: str, agent_id: int, offer_id: int) -> VoiceResponse:
    """The agent answered the callback: tell them, then dial the customer, recording both sides."""
    response = VoiceResponse()
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    if routed is None or not routed.callback_number or not answered(session, res, sid, agent_id, offer_id):
        response.hangup()
        return response
    agent = session.get(Agent, agent_id)
    language = agent.languages[0] if agent and agent.languages else routed.language
    response.say(AGENT_INTRO.get(language, AGENT_INTRO["zh-CN"]), **say_kwargs(language))
    settings = current_app.config["HOTLINE_SETTINGS"]
    dial = Dial(caller_id=settings.twilio_from_number, timeout=30, record="record-from-answer-dual",
                action=public_url_for("routing.dialed", call=sid, agent=agent_id, offer=offer_id, kind="callback"),
                recording_status_callback=callback_url("recordings.status_callback"))
    dial.number(routed.callback_number)
    response.append(dial)
    return response


def agent_leg_unanswered(session: Session, res: Reservations, sid: str, agent_id: int, offer_id: int) -> None:
    """The agent did not pick up the callback: they are missed; the next agent is tried at once."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.result != "ringing":
        return
    missed(session, res, sid, agent_id, offer, "no_answer")
    retry_callback(session, res, sid)


def retry_callback(session: Session, res: Reservations, sid: str) -> int | None:
    """A callback caller's turn, checked again: reserve an agent, and call them once committed."""
    call = res.waiting_call(sid)
    if call is None or call.meta.get("state") != "waiting":
        return None
    agent_id = reserved_for_caller(session, res, call)
    if agent_id is not None:
        db.after_commit(_enqueue_connect, sid, agent_id, f"routing-callback-{sid}-{agent_id}-{now_ts():.0f}",
                        session=session)
    return agent_id


def _enqueue_connect(sid: str, agent_id: int, job_id: str) -> None:
    jobs.enqueue(connect_callback, sid, agent_id, job_id=job_id)
