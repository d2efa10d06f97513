"""Conference status callbacks, kept in the calls' history: idempotent and order-tolerant.

Twilio posts one callback per conference event (TWILIO_NOTES.md, Conferences) and may repeat or
reorder them. Each is appended once to the history of the call it is about, as a `conference` event
keyed by (ConferenceSid, SequenceNumber): a repeat finds its key and changes nothing, and a late one
is stored with its sequence, so whoever reads the history (`participant_state`) orders by Twilio's
sequence, never by arrival. A participant event belongs to its CallSid's call; a conference-wide one
(start, end, announcement) to the call the conference is named for (`conference_name(sid)`) or, failing
that, the call that ended it.
"""
from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.calls import ensure_call, record_event
from hotline.models import CallEvent

PREFIX = "hotline-call-"
FLAGS = ("Muted", "Hold", "Coaching")


def conference_name(call_sid: str) -> str:
    """The conference a call's conversation takes place in."""
    return PREFIX + call_sid


def call_of(form: Mapping[str, str]) -> str | None:
    name = form.get("FriendlyName", "")
    return (form.get("CallSid") or (name[len(PREFIX):] if name.startswith(PREFIX) else None)
            or form.get("CallSidEndingConference") or None)


def event_data(form: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {"event": form.get("StatusCallbackEvent", ""), "conference_sid": form["ConferenceSid"],
                            "friendly_name": form.get("FriendlyName", ""),
                            "sequence": int(form.get("SequenceNumber") or 0), "timestamp": form.get("Timestamp", "")}
    for name in FLAGS:
        if name in form:
            data[name.lower()] = form[name] == "true"
    for name, key in (("CallSid", "call_sid"), ("CallSidToCoach", "call_sid_to_coach"),
                      ("ReasonConferenceEnded", "reason"), ("ReasonParticipantLeft", "reason"),
                      ("ParticipantLabel", "label")):
        if form.get(name):
            data[key] = form[name]
    return data


def record_conference_event(session: Session, form: Mapping[str, str]) -> bool:
    """Append the callback to its call's history unless it is there already; True if appended.
    The view commits."""
    sid = call_of(form)
    if not sid:
        return False
    data = event_data(form)
    call = ensure_call(session, sid, {}, apply_call_status=False)
    seen = session.scalars(select(CallEvent.data).where(CallEvent.call_id == call.id,
                                                        CallEvent.kind == "conference")).all()
    if any(d.get("conference_sid") == data["conference_sid"] and d.get("sequence") == data["sequence"]
           for d in seen):
        return False
    record_event(session, call, "conference", **data)
    return True


def participant_state(events: Iterable[Mapping[str, Any]]) -> dict[str, bool]:
    """Muted / hold / coaching now, from a call's conference events in any order: Twilio's time, then
    the conference's sequence number, decides what came last (a retried or late callback cannot undo
    a later change)."""
    state = {"muted": False, "hold": False, "coaching": False}
    ordered = sorted((e for e in events if e.get("event", "").startswith("participant-")),
                     key=lambda e: (_when(e.get("timestamp", "")), e.get("conference_sid", ""), e.get("sequence", 0)))
    for event in ordered:
        if event.get("event") == "participant-leave":
            state = {"muted": False, "hold": False, "coaching": False}
            continue
        for key in state:
            if key in event:
                state[key] = bool(event[key])
    return state


def _when(timestamp: str) -> float:
    try:
        return parsedate_to_datetime(timestamp).timestamp()
    except (TypeError, ValueError):
        return 0.0
