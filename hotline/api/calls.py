"""Reading calls and their event history."""
from __future__ import annotations

from flask import jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from access import policy
from hotline import db
from hotline.api import bp
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.models import Call


@bp.get("/calls/<sid>")
@require_role("supervisor", "qa", "agent")
@operation("A call with its event history", tags=["calls"],
           responses={200: "the call", 403: "an agent asking for a call they were not offered", 404: "no such call"})
def get_call(sid: str):
    session = db.session()
    call = session.scalars(select(Call).where(Call.sid == sid).options(selectinload(Call.events))).first()
    if call is None:
        abort_json(404, f"no call with CallSid {sid}")
    if not policy.may_read_call_sid(session, policy.current_viewer(), sid):
        abort_json(403, f"call {sid} is not one of your calls")
    return jsonify(call.to_dict(with_events=True))
