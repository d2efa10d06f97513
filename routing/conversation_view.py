"""What GET /api/calls/<sid> shows of a routed call's conversation (`CallConversation`): its legs,
its agent segments, its transfers, and whether the caller is held, the agent muted, and who
monitors it now (`monitors`: every supervisor's leg; `monitor`: the latest to join)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.models import Call
from routing.call_control import flags
from routing.models import Offer, RoutedCall, Transfer
from routing.monitoring import monitor_states
from routing.segments import segments_of


class ConversationView:
    def conversation(self, session: Session, call_sid: str) -> dict[str, Any] | None:
        routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == call_sid)).first()
        call = session.scalars(select(Call).where(Call.sid == call_sid)).first()
        if routed is None or call is None:
            return None
        legs: list[dict[str, Any]] = [{"sid": call_sid, "role": "caller", "status": call.status}]
        for offer in session.scalars(select(Offer).where(Offer.call_sid == call_sid).order_by(Offer.id)):
            if offer.leg_sid:
                legs.append({"sid": offer.leg_sid, "role": "agent", "agent_id": offer.agent_id,
                             "result": offer.result, "on": offer.answered_at is not None and offer.ended_at is None})
        transfers = session.scalars(select(Transfer).where(Transfer.call_sid == call_sid).order_by(Transfer.id)).all()
        for transfer in transfers:
            if transfer.leg_sid and transfer.target_kind in ("number", "department"):
                legs.append({"sid": transfer.leg_sid, "role": "outside", "transfer_id": transfer.id})
        monitors = monitor_states(session, call)
        for monitor in monitors:
            legs.append({"sid": monitor["leg_sid"], "role": "supervisor", "mode": monitor["mode"],
                         "by": monitor["by"]})
        talking = [leg["agent_id"] for leg in legs if leg["role"] == "agent" and leg["on"]]
        state = flags(session, call, talking[-1] if talking else None)  # `muted`: the latest agent's
        return {"legs": legs, "segments": segments_of(session, call_sid),
                "transfers": [t.to_dict() for t in transfers],
                "control": {"hold": state["hold"], "held_since": state["held_since"].isoformat()
                            if state["held_since"] else None, "muted": state["muted"],
                            "monitor": monitors[-1] if monitors else None, "monitors": monitors}}
