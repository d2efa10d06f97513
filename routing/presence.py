"""Who is on shift, and what happens to an agent's call when Twilio reports the call's end."""
from __future__ import annotations

from sqlalchemy import select

from hotline import db
from hotline.contracts import CallEnded
from hotline.redis_client import get_redis
from routing.lifecycle import caller_left, conversation_ended
from routing.models import Agent, Offer
from routing.state import get_reservations


# Every waiting caller's announcement asks this; a few seconds' staleness is fine for an estimate.
ON_SHIFT_CACHE_SECONDS = 5


def agents_on_shift(skill: str, language: str | None = None) -> int:
    """Agents signed in (any status but offline) who have `skill`, and speak `language` if given."""
    key = f"routing:on-shift:{skill}:{language or '*'}"
    cached = get_redis().get(key)
    if cached is not None:
        return int(cached)
    agents = db.session().scalars(select(Agent).where(Agent.status != "offline")).all()
    count = sum(1 for a in agents if a.skills.get(skill, 0) >= 1 and (language is None or language in a.languages))
    get_redis().set(key, count, ex=ON_SHIFT_CACHE_SECONDS)
    return count


def forget_on_shift_counts() -> None:
    """A sign-in, sign-out or profile change: count afresh next time."""
    client = get_redis()
    for key in client.scan_iter(match="routing:on-shift:*", count=100):
        client.delete(key)


def talking_agent(session, call_sid: str) -> int | None:
    """The agent the database has in an open conversation with this caller."""
    return session.scalars(select(Offer.agent_id).where(Offer.call_sid == call_sid, Offer.result == "answered",
                                                        Offer.ended_at.is_(None))).first()


def on_call_ended(event: CallEnded) -> None:
    """A lost Enqueue or Dial callback must not strand anyone: settle the caller's state here too.
    A receiver owns its transaction, as a job does (the call's end was committed before)."""
    call_sid = event.call_sid
    session = db.session()
    res = get_reservations(session)
    call = res.call(call_sid)
    state = call.get("state")
    if state in {"waiting", "reserved"} and call.get("callback") != "1":
        caller_left(session, res, call_sid)
    elif state == "connected" and call.get("agent"):
        conversation_ended(session, res, call_sid, int(call["agent"]))
    elif state is None and (agent_id := talking_agent(session, call_sid)) is not None:
        # The live state lost the call (a Redis restart); the database still has its conversation open.
        conversation_ended(session, res, call_sid, agent_id)
    else:
        return
    session.commit()


class OnShift:
    """`hotline.contracts.AgentsOnShift` (the IVR's night queue asks it)."""

    def agents_on_shift(self, skill: str, language: str | None = None) -> int:
        return agents_on_shift(skill, language)
