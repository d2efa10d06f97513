"""After a call: wrap-up for the queue's seconds, then the agent is free and takes the next caller.

The conversation's end (`routing.lifecycle.conversation_ended`) puts the agent in wrap-up and
schedules this job; the job owns its transaction.
"""
from __future__ import annotations

from hotline import db
from routing.lifecycle import wrap_up_over
from routing.state import get_reservations


def end_wrap_up(agent_id: int, sid: str | None = None) -> bool:
    """RQ job: wrap-up time is over; the agent is available unless they changed status meanwhile."""
    session = db.session()
    freed = wrap_up_over(session, get_reservations(session), agent_id, sid)
    session.commit()
    return freed
