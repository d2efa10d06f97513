"""A caller who hangs up before reaching an agent leaves the line and is counted as abandoned."""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.clock import now
from routing.models import Offer, RoutedCall
from routing.reservations import Reservations
from routing.state import now_ts, record_status

log = logging.getLogger(__name__)


def caller_left(session: Session, res: Reservations, sid: str) -> str | None:
    """Take the caller out of line; free an agent reserved for them. Returns their previous state."""
    from routing.wrapup import agent_freed

    agent = res.call(sid).get("agent")
    previous = res.finish_call(sid, now_ts())
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).first()
    if routed is not None and routed.outcome == "waiting" and previous in {"waiting", "reserved"}:
        routed.outcome = "abandoned"
        routed.abandoned_at = routed.ended_at = now()
        log.info("caller abandoned the %s queue", routed.queue, extra={"call_sid": sid})
    for offer in session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.result == "ringing")):
        offer.result, offer.ended_at = "canceled", now()
    session.commit()
    if previous == "reserved" and agent:
        record_status(session, int(agent), "available", "caller_left", sid)
        session.commit()
        agent_freed(session, res, int(agent))
    return previous
