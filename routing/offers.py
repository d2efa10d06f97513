"""Offering a caller to an agent: the TwiML that rings them for at most three rings (or queues the
caller), and what a Dial's outcome means. When to offer is `routing.lifecycle.offered`."""
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
from routing.state import record_status

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


def new_offer(session: Session, sid: str, agent_id: int) -> Offer:
    """The offer's row (ringing), counted on the routed call; flushed, so its id can go in URLs."""
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
    offer = Offer(call_sid=sid, agent_id=agent_id, offered_at=now(), result="ringing")
    session.add(offer)
    routed.offers += 1
    record_status(session, agent_id, "reserved", "offered", sid)
    session.flush()
    return offer


def offer_call(session: Session, sid: str, agent_id: int) -> VoiceResponse:
    """TwiML that rings the reserved agent for at most three rings, recording both channels."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    agent = session.get(Agent, agent_id)
    offer = new_offer(session, sid, agent_id)
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


def dial_outcome(form: Mapping[str, str]) -> str:
    status = form.get("DialCallStatus", "")
    if status in ("completed", "answered") and form.get("DialBridged") == "false":
        # The agent picked up but their whisper hung up (the offer was no longer theirs): the
        # caller was never connected and goes on to the next agent, not to a hang-up.
        return "missed"
    if status == "completed" or (status == "answered"):
        return "answered"
    if status in {"no-answer", "busy", "failed"}:
        return "missed"
    return "canceled" if status == "canceled" else "missed"
