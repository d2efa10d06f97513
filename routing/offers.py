"""Offering a caller to an agent: reserve, ring at most three rings, and move on when unanswered."""
from __future__ import annotations

import logging
from typing import Mapping

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import Dial, VoiceResponse

from hotline.clock import now
from hotline.webhooks import callback_url, public_url_for
from routing.models import Agent, Offer, RoutedCall
from routing.reservations import Reservations
from routing.state import now_ts, record_status

log = logging.getLogger(__name__)


def twilio_queue_name(queue: str) -> str:
    return f"hotline-{queue}"


def add_agent_noun(dial: Dial, address: str, whisper: str) -> None:
    """Ring the agent's E.164 number, Twilio Client identity or SIP URI."""
    if address.startswith("client:"):
        dial.client(address[len("client:"):], url=whisper)
    elif address.startswith("sip:"):
        dial.sip(address, url=whisper)
    else:
        dial.number(address, url=whisper)


def offer_call(session: Session, sid: str, agent_id: int) -> VoiceResponse:
    """TwiML that rings the reserved agent for at most three rings, recording both channels."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    agent = session.get(Agent, agent_id)
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
    offer = Offer(call_sid=sid, agent_id=agent_id, offered_at=now(), result="ringing")
    session.add(offer)
    routed.offers += 1
    record_status(session, agent_id, "reserved", "offered", sid)
    session.flush()
    response = VoiceResponse()
    dial = Dial(timeout=settings.ring_timeout_seconds,
                action=public_url_for("routing.dialed", call=sid, agent=agent_id, offer=offer.id),
                record="record-from-answer-dual",
                recording_status_callback=callback_url("recordings.status_callback"))
    add_agent_noun(dial, agent.address if agent else "", public_url_for("routing.whisper", call=sid, agent=agent_id,
                                                                      offer=offer.id))
    response.append(dial)
    log.info("offering call to agent %s", agent_id, extra={"call_sid": sid})
    return response


def enqueue_caller(sid: str, queue: str) -> VoiceResponse:
    response = VoiceResponse()
    response.enqueue(twilio_queue_name(queue), wait_url=public_url_for("routing.wait", call=sid),
                     wait_url_method="POST", action=public_url_for("routing.left", call=sid))
    return response


def offer_or_enqueue(session: Session, res: Reservations, sid: str) -> VoiceResponse:
    """Ring the best free agent for a waiting caller, or put them in the Twilio queue to wait."""
    call = res.waiting_call(sid)
    state = call.meta.get("state") if call else None
    if state not in {"waiting", "reserved"}:
        response = VoiceResponse()
        if state != "connected":  # a retried request during the conversation changes nothing
            response.hangup()
        return response
    agent_id = int(call.meta["agent"]) if state == "reserved" and call.meta.get("agent") else None
    if state == "waiting":
        agent_id = res.reserve_for_call(call, now_ts())
    if agent_id is not None:
        return offer_call(session, sid, agent_id)
    return enqueue_caller(sid, call.queue)


def record_answer(session: Session, res: Reservations, sid: str, agent_id: int, offer_id: int,
                  app) -> bool:
    """The agent picked up: on_call, the service-level record, and call_answered (once)."""
    from hotline import signals

    result = res.answer(agent_id, sid, now_ts())
    if result == 0:
        return False
    offer = session.get(Offer, offer_id)
    if offer is not None and offer.answered_at is None:
        offer.answered_at = now()
        offer.result = "answered"
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    if result == 2:
        record_status(session, agent_id, "on_call", "answered", sid)
        if routed is not None and routed.answered_at is None:
            ring_seconds = current_app.config["HOTLINE_SETTINGS"].ring_seconds
            routed.answered_at = now()
            routed.agent_id = agent_id
            routed.outcome = "answered"
            if offer is not None:
                rang = (routed.answered_at - offer.offered_at).total_seconds()
                routed.rings = max(1, int(-(-rang // ring_seconds)))
        session.commit()
        signals.call_answered.send(app, call_sid=sid, agent_id=agent_id)
        session.commit()
    return True


def dial_outcome(form: Mapping[str, str]) -> str:
    status = form.get("DialCallStatus", "")
    if status == "completed" or (status == "answered"):
        return "answered"
    if status in {"no-answer", "busy", "failed"}:
        return "missed"
    return "canceled" if status == "canceled" else "missed"
