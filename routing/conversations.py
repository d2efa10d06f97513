"""Who is talking to whom: the database's record, and the routing sweep that brings the live state
back in line with it.

The live state (Redis) decides who is offered the next caller; the database records every answer and
every end. They part when Redis loses writes (a restart from an append-only file a second old, an
answer recorded while Redis was down, whose reservation then expired there) or the database loses a
commit. Left alone, an agent talking to a caller is offered more callers (and marked `missed` for the
rings they cannot take), and an agent whose call ended stays `on_call` for good: the chaos
benchmark's SQLite run lost 76 of 100 callers that way. Each sweep therefore:
- puts an agent the database has talking back on that call in Redis (`restore_conversation`);
- ends, as the conversation's end would, a conversation the database has open on a call that is over
  (its end lost with Redis's state);
- ends a live `on_call` the database has no open conversation for (wrap-up, then free);
- records in the database what Redis has for an agent left `on_call` there after their call ended.
A change younger than `SETTLE` is left alone: every webhook runs the Lua script, then commits,
within milliseconds, and the sweep must not read that gap as a disagreement.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.clock import now
from hotline.models import Call
from routing.lifecycle import conversation_ended, free_after_commit, start_wrap_up, wrap_up_end
from routing.models import Agent, Offer, RoutedCall
from routing.reservations import Reservations
from routing.state import now_ts, record_status

log = logging.getLogger(__name__)
SETTLE = timedelta(seconds=10)


@dataclass(frozen=True)
class OpenConversation:
    call_sid: str
    queue: str | None
    call_ended_at: datetime | None


def open_conversations(session: Session) -> dict[int, OpenConversation]:
    """Agent id -> the conversation the database has open for them (an answered offer not ended), in
    one statement over the offers not ended (a partial index), whatever the offers' history."""
    rows = session.execute(
        select(Offer.agent_id, Offer.call_sid, RoutedCall.queue, Call.ended_at)
        .outerjoin(RoutedCall, RoutedCall.call_sid == Offer.call_sid)
        .outerjoin(Call, Call.sid == Offer.call_sid)
        .where(Offer.ended_at.is_(None), Offer.result == "answered")
        .order_by(Offer.id)).all()
    return {agent_id: OpenConversation(sid, queue, ended) for agent_id, sid, queue, ended in rows}


def reconcile_conversations(session: Session, res: Reservations) -> tuple[int, int]:
    """For the routing sweep; returns (conversations restored in Redis, conversations ended). Commits
    its changes (it owns no caller's transaction)."""
    settled = now() - SETTLE
    agents = session.execute(select(Agent.id, Agent.status, Agent.status_since)
                             .where(Agent.status != "offline")).all()
    live = res.agents([agent_id for agent_id, _, _ in agents])
    talking = open_conversations(session)
    restored = ended = 0
    for agent_id, status, since in agents:
        state = live.get(agent_id) or {}
        live_status, live_call = state.get("status"), state.get("call") or None
        live_since = float(state.get("since") or 0)
        conversation = talking.get(agent_id)
        if conversation is not None:
            if conversation.call_ended_at is not None and conversation.call_ended_at <= settled:
                # The caller's call is over and nothing ended the conversation: the Dial's action
                # and the call's end both found the live state without it.
                conversation_ended(session, res, conversation.call_sid, agent_id)
                session.commit()
                ended += 1
            elif (live_status, live_call) != ("on_call", conversation.call_sid) and since <= settled \
                    and res.restore_conversation(agent_id, conversation.call_sid, now_ts()):
                log.warning("agent %s talks to a caller the live state had lost; put back on the call", agent_id,
                            extra={"call_sid": conversation.call_sid})
                record_status(session, agent_id, "on_call", "restored", conversation.call_sid)
                session.commit()
                restored += 1
            continue
        if live_status == "on_call" and (live_call is None or live_since <= settled.timestamp()):
            # Live on a call the database has ended, or on none (a rebuild from an agent recorded
            # on_call whose conversation had ended): the end the live state missed, now.
            _end_live_conversation(session, res, agent_id, live_call)
            ended += 1
        elif status == "on_call" and since <= settled and live_status not in (None, "on_call"):
            record_status(session, agent_id, live_status, "reconciled", live_call)
            if live_status == "available":
                free_after_commit(session, res, agent_id)
            session.commit()
    return restored, ended


def _end_live_conversation(session: Session, res: Reservations, agent_id: int, sid: str | None) -> None:
    queue = session.scalars(select(RoutedCall.queue).where(RoutedCall.call_sid == sid)).first() if sid else None
    at = now_ts()
    change = res.set_status(agent_id, "wrap_up", at, allowed_from=("on_call",), free_at=wrap_up_end(at, queue))
    if not change.changed:
        return
    log.warning("agent %s was on a call in the live state that the database has ended; wrap-up", agent_id,
                extra={"call_sid": sid})
    start_wrap_up(session, agent_id, sid, queue)
    session.commit()
