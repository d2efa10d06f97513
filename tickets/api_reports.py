"""GET /api/reports/tickets: counts by category, priority and status with SLA compliance (JSON or CSV);
GET /api/reports/suggestions: the month's suggestions and what was done with each;
GET /api/reports/night: the night-shift log (tickets/night_log.py);
GET /api/reports/night/handover, POST /api/reports/night/<day>/acknowledge: the stored log the day's
first supervisor acknowledges (tickets/night_handover.py)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy import func, select

from hotline import csv_export, db
from hotline.api import keyset, schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.calendar import get_calendar
from hotline.contracts import AgentDesk, need
from hotline.clock import now
from hotline.local_time import day_start, iso_local, local_day
from hotline.params import query_choice, query_int
from tickets import night_handover, night_log
from tickets.api_input import query_day
from tickets.models import NightLog, Ticket
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


SUGGESTION_ORDER = keyset.Order("suggestions", (Ticket.created_at, Ticket.id))
SUGGESTION_COLUMNS = ("number", "created_at", "language", "status", "suggestion", "what_we_did", "resolved_at")


@bp.get("/reports/suggestions")
@require_role("supervisor", "qa")
@operation("The month's suggestions and what was done with each (意见建议及处理结果), oldest first",
           tags=["reports"],
           description="Query: month (YYYY-MM in the center's zone; default this month), format (json|csv: "
                       "the whole month, streamed), and for JSON pages limit and after (keyset).",
           responses={200: "a page of the month's suggestions with `next` and the month's counts "
                           "(JSON), or every one of them (text/csv)",
                      400: "a bad month, limit or cursor (named)"},
           media=("application/json", "text/csv"),
           query={"month": {"type": "string", "pattern": r"^[12]\d{3}-(0[1-9]|1[0-2])$"},
                  "format": schemas.one_of(("json", "csv")), "limit": {**schemas.LIMIT, "default": 50},
                  "after": keyset.CURSOR_SCHEMA})
def suggestions_report():
    zone = current_app.config["HOTLINE_SETTINGS"].timezone
    first = _month(request.args.get("month"), local_day(now(), zone))
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    query = select(Ticket).where(Ticket.category == "suggestion", Ticket.created_at >= day_start(first, zone),
                                 Ticket.created_at < day_start(following, zone))
    month = first.strftime("%Y-%m")
    if query_choice(request.args.get("format"), "format", ("json", "csv"), "json") == "csv":
        rows = db.session().scalars(SUGGESTION_ORDER.sort(query).execution_options(yield_per=500))
        return csv_export.attachment(csv_export.lines(
            [SUGGESTION_COLUMNS, *(_suggestion_row(t, zone).values() for t in rows)]), f"suggestions-{month}.csv")
    limit = query_int(request.args.get("limit"), "limit", 50, 1, 500)
    page = keyset.fetch(db.session(), query, SUGGESTION_ORDER, limit=limit, cursor=request.args.get("after"))
    counts = dict(db.session().execute(select(Ticket.status, func.count()).where(query.whereclause)
                                       .group_by(Ticket.status)).all())
    return jsonify(month=month, counts=counts, total=sum(counts.values()),
                   suggestions=[_suggestion_row(t, zone) for t in page.rows], **page.links())


def _month(raw: str | None, today: date) -> date:
    if not raw:
        return today.replace(day=1)
    if not re.fullmatch(r"[12]\d{3}-(0[1-9]|1[0-2])", raw):
        abort_json(400, f"month: expected YYYY-MM, got {raw[:20]!r}")
    return datetime.strptime(raw, "%Y-%m").date()


def _suggestion_row(ticket: Ticket, zone: str) -> dict[str, Any]:
    return {"number": ticket.number, "created_at": iso_local(ticket.created_at, zone), "language": ticket.language,
            "status": ticket.status, "suggestion": ticket.description or "",
            "what_we_did": ticket.resolution_summary or "", "resolved_at": iso_local(ticket.resolved_at, zone)}


@bp.get("/reports/night")
@require_role("supervisor", "qa")
@operation("The night-shift log: calls, messages left and urgent cases while the center was closed (夜班汇报)",
           tags=["reports"],
           description="Query: date (the local day whose opening ends the night; default the last night that "
                       "has ended), format (json|csv). The night runs from the last closing before that "
                       "opening (the business calendar's), so a weekend or holiday is one long night.",
           responses={200: "the log (JSON, or text/csv with format=csv)",
                      400: "a bad date or format (named)",
                      404: "the center does not open on that day, or no night ended within 60 days"},
           media=("application/json", "text/csv"),
           query={"date": schemas.DAY, "format": schemas.one_of(("json", "csv"))})
def night_report():
    zone = current_app.config["HOTLINE_SETTINGS"].timezone
    calendar = get_calendar()
    day = query_day(request.args.get("date"), "date")
    fmt = query_choice(request.args.get("format"), "format", ("json", "csv"), "json")
    night = night_log.night_ending(calendar, day) if day else night_log.last_night(calendar, now())
    if night is None:
        abort_json(404, f"date: the center does not open on {day.isoformat()}" if day
                   else "no night has ended within the last 60 days")
    session = db.session()
    names = {agent_id: name for agent_id, name, _ in need(AgentDesk).agent_names(session)}
    report = night_log.build(session, night, zone, names)
    if fmt == "csv":
        return csv_export.attachment(csv_export.lines(night_log.csv_rows(report)), f"night-{report['date']}.csv")
    return jsonify(report)


@bp.get("/reports/night/handover")
@require_role("supervisor", "qa")
@operation("The stored night-shift log handed to the day's supervisors, and who acknowledged it (交接班)",
           tags=["reports"],
           description="The log of the last night that has ended, as it stood when the center opened (stored "
                       "then, or by this request if nobody had yet): urgent cases, messages left, calls; with "
                       "acknowledged, acknowledged_by and acknowledged_at. `log` is null if the center has not "
                       "opened within 60 days.",
           responses={200: "{log: the stored log or null}"})
def night_handover_view():
    session = db.session()
    stored = night_handover.handover(session, now())
    body = {"log": night_handover.handover_dict(stored, _zone()) if stored is not None else None}
    session.commit()
    return jsonify(body)


@bp.post("/reports/night/<day>/acknowledge")
@require_role("supervisor")
@operation("Acknowledge the stored night-shift log of a day: who read it and when is kept", tags=["reports"],
           description="The first acknowledgement stands; a later one changes nothing and answers the first "
                       "(acknowledged_now: false).",
           responses={200: "the log, acknowledged", 400: "a bad date", 404: "no stored log for that day"},
           path={"day": schemas.DAY})
def acknowledge_night_log(day: str):
    session = db.session()
    stored = session.scalars(select(NightLog).where(NightLog.day == query_day(day, "day"))).first()
    if stored is None:
        abort_json(404, f"day: no night-shift log is stored for {day}")
    now_acknowledged = night_handover.acknowledge(session, stored, g.principal.name)
    body = {**night_handover.handover_dict(stored, _zone()), "acknowledged_now": now_acknowledged}
    session.commit()
    return jsonify(body)


def _zone() -> str:
    return current_app.config["HOTLINE_SETTINGS"].timezone
