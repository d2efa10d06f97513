"""Who hung up first on an answered conversation (the manuals: wait for the customer to hang up).

Twilio tells the Dial's action the state of the leg that dialed: `CallStatus=completed` when that
leg hung up (the Dial ended because its party left), `in-progress` when the dialed party left and
the dialing leg is still there. On a routed call the dialing leg is the caller; on a callback it is
the agent, who dialed the customer.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.contracts import ConversationOver, publish_after_commit
from hotline.calls import ensure_call, record_event
from hotline.models import CallEvent

FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})


def hung_up_first(dialing_leg_status: str, callback: bool = False) -> str:
    """"caller" or "agent", from the CallStatus the Dial's action carries."""
    dialer_left = dialing_leg_status in FINAL
    if callback:
        return "agent" if dialer_left else "caller"
    return "caller" if dialer_left else "agent"


def record_hang_up(session: Session, sid: str, agent_id: int, first: str) -> None:
    """In the call's events, and to QA once committed (`conversation_over`); once per agent, so a
    retried action records nothing more."""
    call = ensure_call(session, sid, {}, apply_call_status=False)
    kept = session.scalars(select(CallEvent.data).where(CallEvent.call_id == call.id,
                                                        CallEvent.kind == "hung_up_first")).all()
    if any(data.get("agent_id") == agent_id for data in kept):
        return
    record_event(session, call, "hung_up_first", party=first, agent_id=agent_id)
    publish_after_commit(ConversationOver(call_sid=sid, agent_id=agent_id, hung_up_first=first), session)
