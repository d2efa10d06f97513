"""Supervisor monitoring of a conversation in a conference (issue 16, item 4): listen (a muted
participant), whisper (Twilio's coaching: only the agent hears, `Coaching=true` with
`CallSidToCoach` = the agent's leg), barge (heard by everyone, not coaching); switch between them;
leave. The supervisor's phone is dialed into the call's conference by the Participants resource.
Each use is an event of the call (`monitor_started`, `monitor_changed`, `monitor_ended`: who, when,
which mode), the agent's and the caller's privacy record. Nothing here commits."""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.calls import record_event
from hotline.gateway import get_gateway
from hotline.logging import mask_phone
from hotline.models import Call, CallEvent
from hotline.webhooks import callback_url
from routing.call_control import ControlRefused, live_conversation, refused_by_twilio

MODES = ("listen", "whisper", "barge")
EVENTS = ("monitor_started", "monitor_changed", "monitor_ended")


def monitor_state(session: Session, call: Call) -> dict[str, Any] | None:
    """Who monitors the call now and how, from its events; None when nobody does."""
    state: dict[str, Any] | None = None
    for kind, data, at in session.execute(select(CallEvent.kind, CallEvent.data, CallEvent.at).where(
            CallEvent.call_id == call.id, CallEvent.kind.in_(EVENTS)).order_by(CallEvent.id)):
        if kind == "monitor_ended":
            state = None
        elif kind == "monitor_started":
            state = {"mode": data["mode"], "by": data["by"], "leg_sid": data["leg_sid"], "since": at.isoformat()}
        elif state is not None:
            state["mode"] = data["mode"]
    return state


def _participant_flags(mode: str, agent_leg: str | None) -> dict[str, Any]:
    if mode == "whisper" and not agent_leg:
        raise ControlRefused(409, "whisper: the agent's leg is not known")
    return {"muted": mode == "listen", "coaching": mode == "whisper",
            "call_sid_to_coach": agent_leg if mode == "whisper" else None}


def monitor(session: Session, sid: str, mode: str, actor: str, address: str | None) -> dict[str, Any]:
    """Join the call in `mode`, or switch to it; 409 if already so."""
    if mode not in MODES:
        raise ControlRefused(422, "mode: listen, whisper or barge")
    conversation = live_conversation(session, sid)
    current = monitor_state(session, conversation.call)
    flags = _participant_flags(mode, conversation.offer.leg_sid)
    if current is None:
        if not address:
            raise ControlRefused(422, "address: no phone or client address for you on record; give one")
        with refused_by_twilio(sid):
            leg = get_gateway().add_participant(
                conversation.conference_sid, address, label="monitor", muted=flags["muted"],
                coach=flags["call_sid_to_coach"],
                timeout=current_app.config["HOTLINE_SETTINGS"].ring_timeout_seconds * 2,
                status_callback=callback_url("routing.monitor_leg", call=sid))
        record_event(session, conversation.call, "monitor_started", by=actor, mode=mode, leg_sid=leg,
                     address=mask_phone(address) if address.startswith("+") else address,
                     agent_id=conversation.offer.agent_id)
        return {"sid": sid, "monitor": monitor_state(session, conversation.call)}
    if current["mode"] == mode:
        raise ControlRefused(409, f"call {sid} is already monitored in {mode} mode")
    with refused_by_twilio(sid):
        get_gateway().update_participant(conversation.conference_sid, current["leg_sid"], **flags)
    record_event(session, conversation.call, "monitor_changed", by=actor, mode=mode, previous=current["mode"],
                 agent_id=conversation.offer.agent_id)
    return {"sid": sid, "monitor": monitor_state(session, conversation.call)}


def stop_monitoring(session: Session, sid: str, actor: str) -> dict[str, Any]:
    conversation = live_conversation(session, sid)
    current = monitor_state(session, conversation.call)
    if current is None:
        raise ControlRefused(409, f"call {sid} is not being monitored")
    with refused_by_twilio(sid):
        get_gateway().remove_participant(conversation.conference_sid, current["leg_sid"])
    record_event(session, conversation.call, "monitor_ended", by=actor, mode=current["mode"])
    return {"sid": sid, "monitor": None}


def monitor_leg_over(session: Session, call: Call, leg_sid: str) -> None:
    """The supervisor's leg ended by itself (hung up, the call over): the monitoring ends too."""
    current = monitor_state(session, call)
    if current is not None and current["leg_sid"] == leg_sid:
        record_event(session, call, "monitor_ended", by="hung up", mode=current["mode"])
