"""What the desk reads of routing (`hotline.contracts.AgentDesk`): the agent, their status, the call
they are on, their offers. Read only: the desk changes an agent's status through routing's own
`PATCH /api/agents/<id>` (called by the page), never by writing routing's tables."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.contracts import AgentPresence, CallControl, HandledCall, QueueEntry
from hotline.models import Call
from routing.call_control import flags_of
from routing.models import Agent, AgentEvent, Offer, RoutedCall
from routing.state import get_rules
from routing.transfers import open_transfer

DEFAULT_WRAP_UP_SECONDS = 30


class AgentDeskQueries:
    def agent_presence(self, session: Session, agent_id: int) -> AgentPresence | None:
        agent = session.get(Agent, agent_id)
        if agent is None:
            return None
        call_sid = queue = wrap_up_until = entry = None
        if agent.status in ("reserved", "on_call", "wrap_up"):
            event = session.scalars(select(AgentEvent).where(AgentEvent.agent_id == agent_id,
                                                             AgentEvent.call_sid.is_not(None))
                                    .order_by(AgentEvent.id.desc()).limit(1)).first()
            call_sid = event.call_sid if event else None
            entry = self.queue_entry(session, call_sid) if call_sid else None
            queue = entry[0] if entry else None
            if agent.status == "wrap_up":
                wrap_up_until = agent.status_since + timedelta(seconds=wrap_up_seconds(queue))
        return AgentPresence(agent.id, agent.name, agent.status, agent.status_since, call_sid, queue, wrap_up_until,
                             entry, agent.address)

    def queue_entry(self, session: Session, call_sid: str) -> QueueEntry | None:
        routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == call_sid)).first()
        return (routed.queue, routed.entered_at, routed.answered_at) if routed else None

    def handled_calls(self, session: Session, agent_id: int, since: datetime) -> list[HandledCall]:
        offers = session.scalars(select(Offer).where(Offer.agent_id == agent_id, Offer.answered_at >= since)
                                 .order_by(Offer.answered_at)).all()
        events = session.scalars(select(AgentEvent).where(AgentEvent.agent_id == agent_id, AgentEvent.at >= since)
                                 .order_by(AgentEvent.id)).all()
        calls = []
        for offer in offers:
            wrap_end = None
            wrapping = False
            for event in events:
                if event.status == "wrap_up" and event.call_sid == offer.call_sid:
                    wrapping = True
                elif wrapping:
                    wrap_end = event.at
                    break
            calls.append(HandledCall(offer.answered_at, offer.ended_at, wrap_end))
        return calls

    def missed_offers(self, session: Session, agent_id: int, since: datetime) -> int:
        return session.scalar(select(func.count()).select_from(Offer).where(
            Offer.agent_id == agent_id, Offer.offered_at >= since, Offer.result == "missed")) or 0

    def agent_names(self, session: Session) -> list[tuple[int, str, str]]:
        return [(a.id, a.name, a.status) for a in session.scalars(select(Agent).order_by(Agent.name))]

    def call_control(self, session: Session, call_sid: str, agent_id: int) -> CallControl | None:
        """Two indexed reads (the call's control events, its open transfer), only in conference mode."""
        if not current_app.config["HOTLINE_SETTINGS"].routing_conference:
            return None
        state = flags_of(session, select(Call.id).where(Call.sid == call_sid).scalar_subquery(), agent_id)
        transfer = open_transfer(session, call_sid)
        return CallControl(bool(state["hold"]), state["held_since"], bool(state["muted"]),  # type: ignore[arg-type]
                           None if transfer is None else {
                               "id": transfer.id, "mode": transfer.mode, "status": transfer.status,
                               "target_kind": transfer.target_kind, "from_agent_id": transfer.from_agent_id,
                               "to_agent_id": transfer.to_agent_id})


def wrap_up_seconds(queue: str | None) -> int:
    """The queue's after-call work time from the queue rules (the default for an unknown queue)."""
    rule = get_rules().get(queue or "")
    return rule.wrap_up_seconds if rule else DEFAULT_WRAP_UP_SECONDS
