"""Reading a call and its event history: GET /api/calls/<sid>.

Here rather than in the plumbing (which owns the `calls` table) because whether the viewer may read
the call is access's rule, and the plumbing imports no area."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from access import policy
from hotline import db
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.clock import as_utc
from hotline.contracts import CallConversation, MenuCalls, provided
from hotline.models import Call

bp = Blueprint("calls", __name__)  # nested under /api by the app factory (hotline.areas)


@bp.get("/calls/<sid>")
@require_role("supervisor", "qa", "agent")
@operation("A call with its event history", tags=["calls"],
           responses={200: "the call", 403: "an agent asking for a call they were not offered", 404: "no such call"},
           description="A call still in the IVR menu is shown too, with its steps so far (`in_menu`: true); "
                       "they are read from the IVR's buffer until the call is settled into the database. "
                       "A routed call also has `legs`, `segments` (agent, from, to), `transfers` and `control` "
                       "(hold, held_since, muted, monitor).")
def get_call(sid: str):
    session = db.session()
    call = session.scalars(select(Call).where(Call.sid == sid).options(selectinload(Call.events))).first()
    ivr = provided(MenuCalls)
    buffered = ivr.buffered_call(sid) if ivr is not None else None
    if call is None and buffered is None:
        abort_json(404, f"no call with CallSid {sid}")
    if not policy.may_read_call_sid(session, policy.current_viewer(), sid):
        abort_json(403, f"call {sid} is not one of your calls")
    body = call.to_dict(with_events=True) if call is not None else _from_buffer(sid, buffered)
    if buffered is not None and call is not None:
        body["events"] = _merged(body["events"], buffered["events"])
    body["in_menu"] = buffered is not None
    routing = provided(CallConversation)
    conversation = routing.conversation(session, sid) if routing is not None and call is not None else None
    if conversation is not None:
        body.update(conversation)  # legs, segments, transfers, control (hold, muted, monitor)
    return jsonify(body)


def _from_buffer(sid: str, buffered: dict[str, Any]) -> dict[str, Any]:
    """What the call's row will say once settled: made from its arrival's parameters."""
    params = buffered["call"]
    return {"sid": sid, "parent_sid": params.get("ParentCallSid"), "direction": params.get("Direction", "inbound"),
            "from": params.get("From", ""), "to": params.get("To", ""), "status": params.get("CallStatus", "queued"),
            "language": buffered["language"], "duration_seconds": None, "created_at": buffered["arrived_at"],
            "answered_at": None, "ended_at": None, "events": buffered["events"]}


def _merged(written: list[dict[str, Any]], buffered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history in time order, each step once: a step being settled may be in both."""
    def key(event: dict[str, Any]) -> tuple:
        return event["kind"], as_utc(datetime.fromisoformat(event["at"])), json.dumps(event["data"], sort_keys=True)

    seen = {key(e) for e in written}
    events = written + [e for e in buffered if key(e) not in seen]
    return sorted(events, key=lambda e: as_utc(datetime.fromisoformat(e["at"])))
