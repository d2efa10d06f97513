"""Agent controls on a conversation in a conference (`routing.conference`): hold and resume the
caller, mute and unmute the agent (issue 16, item 3).

The state a control checks is the call's own history: `hold_started` / `hold_ended` (with the
`seconds` on hold) and `muted` / `unmuted`, written once Twilio accepted the change, so a second
hold is refused whatever order Twilio's conference callbacks arrive in (those are recorded too, as
`conference` events). Nothing here commits: the API view does.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hotline.calls import record_event
from hotline.clock import as_utc, now
from hotline.gateway import GatewayError, get_gateway
from hotline.models import Call, CallEvent
from hotline.webhooks import public_url_for
from routing.hangups import record_hang_up
from routing.models import Offer, RoutedCall

# action -> (the flag it changes, its new value, the event that records it)
CONTROLS = {"hold": ("hold", True, "hold_started"), "resume": ("hold", False, "hold_ended"),
            "mute": ("muted", True, "muted"), "unmute": ("muted", False, "unmuted")}
FLAG_EVENTS = {"hold_started": ("hold", True), "hold_ended": ("hold", False),
               "muted": ("muted", True), "unmuted": ("muted", False)}
ENDED_BY_AGENT = "ended_by_agent"  # the agent ended the call from the desk or the API (end_conversation)
END_FAILED = "end_refused"  # ... and Twilio refused it: the caller is still on


class ControlRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Conversation:
    call: Call
    offer: Offer
    conference_sid: str


def is_agents_call(session: Session, sid: str, agent_id: int | None) -> bool:
    """The agent was offered this call (an agent acts on their own calls only)."""
    return agent_id is not None and session.scalar(
        select(Offer.id).where(Offer.call_sid == sid, Offer.agent_id == agent_id).limit(1)) is not None


def live_conversation(session: Session, sid: str) -> Conversation:
    """The call's conversation now going on in its conference, or ControlRefused (409)."""
    call = session.scalars(select(Call).where(Call.sid == sid)).first()
    if call is None:
        raise ControlRefused(404, f"no call with CallSid {sid}")
    offer = session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.answered_at.is_not(None),
                                                Offer.ended_at.is_(None)).order_by(Offer.id.desc())).first()
    if offer is None:
        raise ControlRefused(409, f"call {sid} has no conversation going on")
    joins = session.scalars(select(CallEvent.data).where(CallEvent.call_id == call.id, CallEvent.kind == "conference")
                            .order_by(CallEvent.id.desc())).all()
    conference_sid = next((data.get("conference_sid") for data in joins
                           if data.get("event") == "participant-join" and data.get("call_sid") == sid), None)
    if conference_sid is None:
        raise ControlRefused(409, f"call {sid} is not in a conference (yet)")
    return Conversation(call, offer, conference_sid)


def agents_conversation(session: Session, sid: str, actor_agent: int | None) -> Conversation:
    """The conversation, as the acting agent's part of it (a supervisor: the latest agent's). While a
    warm transfer is connected both agents are on the line, and the latest is the colleague."""
    conversation = live_conversation(session, sid)
    if actor_agent is not None and conversation.offer.agent_id != actor_agent:
        own = session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.agent_id == actor_agent,
                                                  Offer.answered_at.is_not(None), Offer.ended_at.is_(None))).first()
        if own is None:
            raise ControlRefused(409, f"call {sid}: you are no longer on this call")
        conversation = Conversation(conversation.call, own, conversation.conference_sid)
    return conversation


def flags(session: Session, call: Call, agent_id: int | None = None) -> dict[str, object]:
    """hold, muted, and since when the caller is on hold, from the call's control events."""
    return flags_of(session, call.id, agent_id)


def flags_of(session: Session, call_id, agent_id: int | None = None) -> dict[str, object]:
    """`flags` by the call's id, or by a scalar subquery giving it (the desk's poll, which has only
    the CallSid, reads them in one statement). The caller's hold is the call's; `muted` is the
    microphone of `agent_id` (each agent on the line has their own), of whoever was last changed
    when None."""
    state: dict[str, object] = {"hold": False, "muted": False, "held_since": None}
    for kind, at, data in session.execute(select(CallEvent.kind, CallEvent.at, CallEvent.data).where(
            CallEvent.call_id == call_id, CallEvent.kind.in_(tuple(FLAG_EVENTS))).order_by(CallEvent.id)):
        flag, value = FLAG_EVENTS[kind]
        if flag == "muted" and agent_id is not None and (data or {}).get("agent_id") != agent_id:
            continue
        state[flag] = value
        if flag == "hold":
            state["held_since"] = as_utc(at) if value else None
    return state


def apply_control(session: Session, sid: str, action: str, actor: str,
                  actor_agent: int | None = None) -> dict[str, object]:
    """Hold or resume the caller, mute or unmute the agent (`actor_agent`, or the latest agent for a
    supervisor), through Twilio's Participants resource; recorded in the call's events.
    ControlRefused: 409 when the call's state does not allow it."""
    conversation = agents_conversation(session, sid, actor_agent)
    flag, value, kind = CONTROLS[action]
    state = flags(session, conversation.call, conversation.offer.agent_id)
    if state[flag] == value:
        raise ControlRefused(409, f"call {sid} is already {'on hold' if flag == 'hold' else 'muted'}" if value
                             else f"call {sid} is not {'on hold' if flag == 'hold' else 'muted'}")
    if flag == "hold":
        hold_caller(session, conversation, value, actor, state)
    else:
        if not conversation.offer.leg_sid:
            raise ControlRefused(409, f"call {sid}: the agent's leg is not known")
        with refused_by_twilio(sid):
            get_gateway().update_participant(conversation.conference_sid, conversation.offer.leg_sid, muted=value)
        record_event(session, conversation.call, kind, by=actor, agent_id=conversation.offer.agent_id)
    state[flag] = value
    return {"sid": sid, "hold": state["hold"], "muted": state["muted"]}


def end_conversation(session: Session, sid: str, actor: str, actor_agent: int | None = None) -> dict[str, object]:
    """The agent ends the call (summarised, thanked, said goodbye): the caller's leg is hung up, and
    with it the conference. A hang-up of the agent's own leg cannot be told from a dropped line, so
    it takes the caller back to the line; this is how an agent ends a call on purpose. Recorded
    before Twilio is asked, so the agent's leg leaving after it is read as the end, not a drop."""
    conversation = agents_conversation(session, sid, actor_agent)
    agent_id = conversation.offer.agent_id
    record_hang_up(session, sid, agent_id, "agent")
    record_event(session, conversation.call, ENDED_BY_AGENT, by=actor, agent_id=agent_id)
    session.commit()
    try:
        with refused_by_twilio(sid):
            get_gateway().hangup_call(sid)
    except ControlRefused:
        # The caller is still on: the agent's leg leaving later is a drop again, which must take
        # them back to the line, not leave them alone in the conference.
        record_event(session, conversation.call, END_FAILED, by=actor, agent_id=agent_id)
        session.commit()
        raise
    return {"sid": sid, "ended": True, "agent_id": agent_id}


def ended_by_agent(session: Session, sid: str) -> bool:
    """The agent ended the call and Twilio took it (the latest attempt was not refused)."""
    latest = session.scalar(select(CallEvent.kind).join(Call, Call.id == CallEvent.call_id)
                            .where(Call.sid == sid, CallEvent.kind.in_((ENDED_BY_AGENT, END_FAILED)))
                            .order_by(CallEvent.id.desc()).limit(1))
    return latest == ENDED_BY_AGENT


@contextmanager
def refused_by_twilio(sid: str) -> Iterator[None]:
    """A REST change Twilio refused: 503 if trying again may work, else 409 (the participant left)."""
    try:
        yield
    except GatewayError as exc:
        if exc.retryable:
            raise ControlRefused(503, f"Twilio did not take the change: {exc}") from exc
        raise ControlRefused(409, f"call {sid}: the participant is no longer in the conference") from exc


def hold_caller(session: Session, conversation: Conversation, held: bool, actor: str,
                state: dict[str, object] | None = None, transfer: bool = False) -> bool:
    """Hold or resume the caller and record it (`hold_ended` with the seconds on hold); False if they
    were so already. `transfer`: the hold music first says the caller is being transferred."""
    state = state if state is not None else flags(session, conversation.call)
    if state["hold"] == held:
        return False
    sid = conversation.call.sid
    with refused_by_twilio(sid):
        get_gateway().update_participant(conversation.conference_sid, sid, hold=held,
                                         hold_url=hold_url(session, conversation.call, transfer) if held else None)
    data: dict[str, object] = {"by": actor, "agent_id": conversation.offer.agent_id}
    if not held and state["held_since"] is not None:
        data["seconds"] = round((now() - state["held_since"]).total_seconds(), 1)
        session.execute(update(RoutedCall).where(RoutedCall.call_sid == sid)
                        .values(hold_seconds=func.coalesce(RoutedCall.hold_seconds, 0) + data["seconds"]))
    record_event(session, conversation.call, "hold_started" if held else "hold_ended", **data)
    return True


def caller_language(session: Session, sid: str, fallback: str | None = None) -> tuple[str, str]:
    """The caller's language and queue, by their routed call."""
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    return (routed.language if routed else (fallback or "zh-CN")), (routed.queue if routed else "inquiry")


def hold_url(session: Session, call: Call, transfer: bool = False) -> str:
    language, queue = caller_language(session, call.sid, call.language)
    extra = {"transfer": 1} if transfer else {}
    return public_url_for("routing.on_hold", queue=queue, lang=language, **extra)
