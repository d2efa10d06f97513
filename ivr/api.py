"""GET /api/reports/ivr: where callers drop out of the menu and how many the IVR serves alone."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, jsonify, request
from sqlalchemy import select

from hotline import db, local_time
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.clock import now
from hotline.models import FINAL_CALL_STATUSES, Call, CallEvent
from hotline.params import query_moment
from ivr.call_steps import sweep_buffered_steps
from ivr.handover import IVR_EVENT_KINDS
from ivr.report import Journey, summarise

bp = Blueprint("ivr", __name__)  # nested under /api by the app factory (hotline.areas)


def _moment(name: str, default: datetime) -> datetime:
    # A bare date or a time without offset is the call center's, as on the other reports.
    return query_moment(request.args.get(name), name, default, local_time.center_zone())


@bp.get("/reports/ivr")
@require_role("supervisor")
@operation("IVR outcomes: routed, messages, served by the IVR alone, and drop-outs by node",
           tags=["reports"], responses={200: "the report", 400: "a bad since/until, or since not before until"},
           query={"since": schemas.MOMENT, "until": schemas.MOMENT},
           description="Calls that entered the IVR between `since` (default: 7 days ago) and `until` (default: now).")
def ivr_report():
    until = _moment("until", now())
    since = _moment("since", until - timedelta(days=7))
    if since >= until:
        abort_json(400, "since must be before until")
    sweep_buffered_steps(older_than=0)  # calls still in the menu count too: their steps wait in Redis
    session = db.session()
    rows = session.execute(
        select(Call.id, Call.status, CallEvent.data)

        .join(CallEvent, CallEvent.call_id == Call.id)
        .where(CallEvent.kind.in_(IVR_EVENT_KINDS), Call.created_at >= since, Call.created_at < until)
        .order_by(Call.id, CallEvent.id)
    ).all()
    journeys: dict[int, Journey] = {}
    for call_id, status, data in rows:
        journey = journeys.setdefault(call_id, Journey(ended=status in FINAL_CALL_STATUSES, steps=[]))
        journey.steps.append(data)  # type: ignore[attr-defined]
    report = summarise(journeys.values()).to_dict()
    return jsonify(since=since.isoformat(), until=until.isoformat(), **report)
