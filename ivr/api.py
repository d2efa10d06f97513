"""GET /api/reports/ivr: where callers drop out of the menu and how many the IVR serves alone."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, jsonify, request

from hotline import db, local_time
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.clock import now
from hotline.params import query_moment
from ivr.call_steps import sweep_buffered_steps
from ivr.report import ivr_report as count_outcomes

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
    report = count_outcomes(db.session(), since, until).to_dict()
    return jsonify(since=since.isoformat(), until=until.isoformat(), **report)
