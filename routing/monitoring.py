"""Supervisor monitoring of a conversation in a conference (issue 16, item 4): listen (a muted
participant), whisper (Twilio's coaching: only the agent hears, `Coaching=true` with
`CallSidToCoach` = the agent's leg), barge (heard by everyone, not coaching); switch between them;
leave. The supervisor's phone is dialed into the call's conference by the Participants resource.
Each supervisor has a leg of their own: a second supervisor joining, switching or leaving changes
only their own leg, never the first one's.
Each use is an event of the call (`monitor_started`, `monitor_changed`, `monitor_ended`: who, when,
which mode), the agent's and the caller's privacy record. Nothing here commits."""
from __future__ import annotations

import uuid
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


def monitor_states(session: Session, call: Call) -> list[dict[str, Any]]:
    """Who monitors the call now and how, from its events, one entry per supervisor's leg (oldest
    first): each supervisor joins, switches and leaves on their own leg. A switch or an end names
    its leg (`leg_sid`); one recorded without (before legs were named) is the supervisor's own."""
    states: dict[str, dict[str, Any]] = {}
    for kind, data, at in session.execute(select(CallEvent.kind, CallEvent.data, CallEvent.at).where(
            CallEvent.call_id == call.id, CallEvent.kind.in_(EVENTS)).order_by(CallEvent.id)):
        leg = data.get("leg_sid") or next((k for k, v in states.items() if v["by"] == data.get("by")),
                                          next(iter(states), None) if len(states) == 1 else None)
        if kind == "monitor_started":
            states[data["leg_sid"]] = {"mode": data["mode"], "by": data["by"], "leg_sid": data["leg_sid"],
                                       "since": at.isoformat()}
        elif leg not in states:
            continue
        elif kind == "monitor_ended":
            del states[leg]
        else:
            states[leg]["mode"] = data["mode"]
    return list(states.values())


def monitor_state(session: Session, call: Call, by: str | None = None) -> dict[str, Any] | None:
    """`by`'s monitoring of the call (anyone's, the latest to join, when `by` is None); None if none."""
    states = [state for state in monitor_states(session, call) if by is None or state["by"] == by]
    return states[-1] if states else None


def _participant_flags(mode: str, agent_leg: str | None) -> dict[str, Any]:
    if mode == "whisper" and not agent_leg:
        raise ControlRefused(409, "whisper: the agent's leg is not known")
    return {"muted": mode == "listen", "coaching": mode == "whisper",
            "call_sid_to_coach": agent_leg if mode == "whisper" else None}


def monitor(session: Session, sid: str, mode: str, actor: str, address: str | None) -> dict[str, Any]:
    """Join the call in `mode` on the actor's own leg, or switch that leg to it (another supervisor's
    leg is left as it is); 409 if already so."""
    if mode not in MODES:
        raise ControlRefused(422, "mode: listen, whisper or barge")
    conversation = live_conversation(session, sid)
    current = monitor_state(session, conversation.call, actor)
    flags = _participant_flags(mode, conversation.offer.leg_sid)
    if current is None:
        if not address:
            raise ControlRefused(422, "address: no phone or client address for you on record; give one")
        with refused_by_twilio(sid):
            # Twilio's participant labels are unique within a conference: one per supervisor's leg.
            leg = get_gateway().add_participant(
                conversation.conference_sid, address, label=f"monitor-{uuid.uuid4().hex[:8]}",
                muted=flags["muted"], coach=flags["call_sid_to_coach"],
                timeout=current_app.config["HOTLINE_SETTINGS"].ring_timeout_seconds * 2,
                status_callback=callback_url("routing.monitor_leg", call=sid))
        record_event(session, conversation.call, "monitor_started", by=actor, mode=mode, leg_sid=leg,
                     address=mask_phone(address) if address.startswith("+") else address,
                     agent_id=conversation.offer.agent_id)
        return _answer(session, conversation.call, actor)
    if current["mode"] == mode:
        raise ControlRefused(409, f"call {sid}: you already monitor it in {mode} mode")
    with refused_by_twilio(sid):
        get_gateway().update_participant(conversation.conference_sid, current["leg_sid"], **flags)
    record_event(session, conversation.call, "monitor_changed", by=actor, mode=mode, previous=current["mode"],
                 leg_sid=current["leg_sid"], agent_id=conversation.offer.agent_id)
    return _answer(session, conversation.call, actor)


def _answer(session: Session, call: Call, actor: str) -> dict[str, Any]:
    return {"sid": call.sid, "monitor": monitor_state(session, call, actor), "monitors": monitor_states(session, call)}


def stop_monitoring(session: Session, sid: str, actor: str) -> dict[str, Any]:
    """The actor's own monitoring leg leaves (others monitoring stay)."""
    conversation = live_conversation(session, sid)
    current = monitor_state(session, conversation.call, actor)
    if current is None:
        raise ControlRefused(409, f"call {sid}: you are not monitoring it")
    with refused_by_twilio(sid):
        get_gateway().remove_participant(conversation.conference_sid, current["leg_sid"])
    record_event(session, conversation.call, "monitor_ended", by=actor, mode=current["mode"],
                 leg_sid=current["leg_sid"])
    return _answer(session, conversation.call, actor)


def monitor_leg_over(session: Session, call: Call, leg_sid: str) -> None:
    """A supervisor's leg ended by itself (hung up, the call over): that monitoring ends too."""
    current = next((state for state in monitor_states(session, call) if state["leg_sid"] == leg_sid), None)
    if current is not None:
        record_event(session, call, "monitor_ended", by="hung up", mode=current["mode"], leg_sid=leg_sid,
                     supervisor=current["by"])
