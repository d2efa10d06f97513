"""GET /api/reports/tickets: counts by category, priority and status with SLA compliance (JSON or CSV)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app, jsonify, request

from hotline import db
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.clock import now
from hotline.local_time import local_day
from hotline.params import query_choice
from tickets.api_input import query_day
from tickets.report_query import ticket_groups
from tickets.reporting import PERIODS, build_report, report_csv

bp = Blueprint("ticket_reports", __name__)  # nested under /api by the app factory (hotline.areas)

MAX_DAYS = 366


@bp.get("/reports/tickets")
@require_role("supervisor", "qa")
@operation("Ticket counts and SLA compliance per day, week or month", tags=["reports"],
           description="Query: from, to (local dates, inclusive; default the last 7 days), period "
                       "(day|week|month), format (json|csv).",
           responses={200: "the report (JSON, or text/csv with format=csv)",
                      400: "a bad query value (named), from after to, or more than 366 days"},
           media=("application/json", "text/csv"),
           query={"from": schemas.DAY, "to": schemas.DAY, "period": schemas.one_of(PERIODS),
                  "format": schemas.one_of(("json", "csv"))})
def tickets_report():
    timezone = current_app.config["HOTLINE_SETTINGS"].timezone
    today = local_day(now(), timezone)
    last = query_day(request.args.get("to"), "to") or today
    first = query_day(request.args.get("from"), "from") or last - timedelta(days=6)
    if first > last:
        abort_json(400, "from: must not be after to")
    if (last - first).days >= MAX_DAYS:
        abort_json(400, f"from: a report covers at most {MAX_DAYS} days")
    period = query_choice(request.args.get("period"), "period", PERIODS, "day")
    fmt = query_choice(request.args.get("format"), "format", ("json", "csv"), "json")
    report = build_report(ticket_groups(db.session(), first, last, period, timezone), period)
    report.update({"from": first.isoformat(), "to": last.isoformat()})
    if fmt == "csv":
        filename = f"tickets-{first.isoformat()}-{last.isoformat()}-{period}.csv"
        return Response(report_csv(report), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    return jsonify(report)
