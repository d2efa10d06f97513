"""Reading a simulated call in conference mode (routing's ROUTING_CONFERENCE): who is in the call's
conference, one participant (hold, muted, coach), and the call's events as the app recorded them."""
from __future__ import annotations

import re

from sqlalchemy import select

from hotline import db
from hotline.conference_events import conference_name


def in_room(simulator, sid: str) -> set[str]:
    """Who is in the call's conference now: "caller" and the other legs' addresses (client:alice)."""
    room = simulator.conferences.live(conference_name(sid))
    return {p.call.to if p.call.sid != sid else "caller" for p in room.participants} if room else set()


def talked_with(simulator, caller) -> list[str]:
    """The addresses the caller talked with, in order, in either routing mode: bridged by the direct
    `<Dial>`, or met in the call's conference (the legs that joined it, in the order they were placed)."""
    bridged = re.findall(r"connected with \w+ \((.+?)\)", caller.timeline_text())
    joined = f"joins conference {conference_name(caller.sid)!r}"
    return bridged + [leg.to for leg in simulator.calls if leg.sid != caller.sid and joined in leg.timeline_text()]


def participant(simulator, sid: str, who: str):
    """The simulator's participant: "caller", or the leg dialed to address `who`."""
    room = simulator.conferences.live(conference_name(sid))
    return next(p for p in room.participants if (p.call.sid == sid if who == "caller" else p.call.to == who))


def call_events(app, sid: str, *kinds: str) -> list[tuple[str, dict]]:
    """(kind, data) of the call's events of these kinds, in order."""
    from hotline.models import Call, CallEvent

    with app.app_context():
        session = db.session()
        call = session.scalars(select(Call).where(Call.sid == sid)).one()
        return [(e.kind, e.data) for e in session.scalars(select(CallEvent).where(
            CallEvent.call_id == call.id, CallEvent.kind.in_(kinds)).order_by(CallEvent.id))]
