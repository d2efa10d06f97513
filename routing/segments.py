"""A call's agent segments: each answered offer is one agent's part of the call, from its answer to
its end, and names the transfer that brought the call to that agent. The service level counts the
call once (its routed call and first answer); the segments are how many agents it took."""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hotline.clock import now
from routing.models import Agent, CallSegment, Offer, Transfer


def start_segment(session: Session, offer: Offer) -> CallSegment:
    """The agent answered: their segment begins; a cold transfer waiting for an answer is done."""
    pending = session.scalars(select(Transfer).where(
        Transfer.call_sid == offer.call_sid, Transfer.status.in_(("queued", "consulting")),
        or_(Transfer.to_agent_id == offer.agent_id, Transfer.target_kind == "queue"))
        .order_by(Transfer.id.desc())).first()
    if pending is not None and pending.mode == "cold":
        pending.status, pending.to_agent_id, pending.ended_at = "completed", offer.agent_id, now()
    segment = CallSegment(call_sid=offer.call_sid, offer_id=offer.id, agent_id=offer.agent_id,
                          transfer_id=pending.id if pending else None, started_at=offer.answered_at or now())
    session.add(segment)
    return segment


def segments_of(session: Session, sid: str) -> list[dict[str, Any]]:
    rows = session.execute(select(CallSegment, Offer, Agent.name).join(Offer, Offer.id == CallSegment.offer_id)
                           .join(Agent, Agent.id == CallSegment.agent_id)
                           .where(CallSegment.call_sid == sid).order_by(CallSegment.id)).all()
    return [{"agent_id": segment.agent_id, "agent": name, "from": segment.started_at.isoformat(),
             "to": offer.ended_at.isoformat() if offer.ended_at else None, "transfer_id": segment.transfer_id,
             "leg_sid": offer.leg_sid} for segment, offer, name in rows]
