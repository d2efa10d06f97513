"""GET /api/metrics/kpis (JSON or CSV) and GET /api/staffing: the supervisor's center."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify, request

from hotline import csv_export, db
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.clock import now
from hotline.contracts import KPI_GROUPS
from hotline.local_time import local_day
from hotline.params import query_choice, query_day, query_int, query_text
from hotline.sql_periods import PERIODS
from supervision.kpi_report import kpi_report, report_lines
from supervision.staffing_plan import staffing_plan
from supervision.targets import current_targets

bp = Blueprint("supervision", __name__)  # nested under /api by the app factory (hotline.areas)

MAX_DAYS = 366
MAX_PLAN_DAYS = 7
QUEUE = schemas.text(max_length=40, blank=True)


def _settings():
    return current_app.config["HOTLINE_SETTINGS"]


@bp.get("/metrics/kpis")
@require_role("supervisor")
@operation("The KPI pack: each figure with its previous period's value, trend and target, per center, queue "
           "or agent and per local day, week or month", tags=["metrics"],
           description="Query: from, to (local dates, inclusive; default today), by (day|week|month; absent: the "
                       "whole range against as many days before it; with by, from moves back to its period's first "
                       "day), group (center|queue|agent), queue, agent_id, format (json|csv). from after to, or a "
                       f"range over {MAX_DAYS} days, is 400. How each figure is counted: docs/supervision.md.",
           responses={200: "the figures (JSON, or text/csv with format=csv)",
                      400: "a bad query value (named), from after to, or too long a range"},
           media=("application/json", "text/csv"),
           query={"from": schemas.DAY, "to": schemas.DAY, "by": schemas.one_of(PERIODS),
                  "group": schemas.one_of(KPI_GROUPS), "queue": QUEUE, "agent_id": schemas.integer(),
                  "format": schemas.one_of(("json", "csv"))})
def kpis():
    settings = _settings()
    today = local_day(now(), settings.timezone)
    last = query_day(request.args.get("to"), "to") or today
    first = query_day(request.args.get("from"), "from") or last
    if first > last:
        abort_json(400, "from: must not be after to")
    if (last - first).days >= MAX_DAYS:
        abort_json(400, f"from: a report covers at most {MAX_DAYS} days")
    by = query_choice(request.args.get("by"), "by", PERIODS)
    group = query_choice(request.args.get("group"), "group", KPI_GROUPS, "center")
    queue = query_text(request.args.get("queue"), "queue", 40)
    agent_id = query_int(request.args.get("agent_id"), "agent_id", None)
    fmt = query_choice(request.args.get("format"), "format", ("json", "csv"), "json")
    report = kpi_report(db.session(), first=first, last=last, by=by, group=group, zone=settings.timezone,
                        targets=current_targets(), threshold_seconds=settings.ring_timeout_seconds, queue=queue,
                        agent_id=agent_id)
    if fmt == "csv":
        return csv_export.attachment(report_lines(report), f"kpis-{report['from']}-{report['to']}-{group}.csv")
    return jsonify(report)


@bp.get("/staffing")
@require_role("supervisor")
@operation("The staffing plan: forecast callers per half hour and queue, and the agents Erlang C needs for the "
           "service-level target, against the agents signed in now", tags=["metrics"],
           description=f"Query: from (a local date; default tomorrow), days (1-{MAX_PLAN_DAYS}), weeks of history "
                       "(1-12; default the targets file's), queue. Method and allowances: docs/supervision.md.",
           responses={200: "the plan", 400: "a bad query value (named)"},
           query={"from": schemas.DAY, "days": schemas.integer(maximum=MAX_PLAN_DAYS),
                  "weeks": schemas.integer(maximum=12), "queue": QUEUE})
def staffing():
    settings = _settings()
    targets = current_targets()
    today = local_day(now(), settings.timezone)
    first = query_day(request.args.get("from"), "from") or today + timedelta(days=1)
    days = query_int(request.args.get("days"), "days", 1, 1, MAX_PLAN_DAYS)
    weeks = query_int(request.args.get("weeks"), "weeks", targets.staffing.history_weeks, 1, 12)
    queue = query_text(request.args.get("queue"), "queue", 40)
    return jsonify(staffing_plan(db.session(), first=first, days=days, weeks=weeks, today=today,
                                 zone=settings.timezone, targets=targets,
                                 threshold_seconds=settings.ring_timeout_seconds, queue=queue))
