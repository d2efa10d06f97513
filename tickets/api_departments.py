"""Departments own work over the API: the departments, handing a ticket over, the department's
reply, and the weekly report of frequent problems (tickets/handoff.py, tickets/frequent_problems.py)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, current_app, g, jsonify, request

from hotline import csv_export, db
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.clock import now
from hotline.local_time import local_day
from hotline.params import query_choice
from tickets import frequent_problems, handoff
from tickets.api_edit import NUMBER, changed, own_ticket_request
from tickets.api_input import boolean, text
from tickets.departments import DepartmentBook
from tickets.history import actor_name

bp = Blueprint("ticket_departments", __name__)  # nested under /api by the app factory (hotline.areas)

HANDOFF_SCHEMA = {"type": "object", "required": ["department"], "additionalProperties": False, "properties": {
    "department": schemas.text(max_length=40), "note": schemas.text(max_length=500, blank=True, null=True)}}
REPLY_SCHEMA = {"type": "object", "required": ["text"], "additionalProperties": False, "properties": {
    "text": schemas.text(max_length=4000), "final": schemas.boolean()}}
WEEK = re.compile(r"([12]\d{3})-W(0[1-9]|[1-4]\d|5[0-3])")


@bp.get("/departments")
@require_role("supervisor", "agent", "qa")
@operation("The business departments tickets are handed to (tickets/departments.yaml)", tags=["tickets"],
           responses={200: "every department: key, names, contacts and its hand-off and reply hours"})
def list_departments():
    return jsonify(departments=[{"key": d.key, "name": {"zh-CN": d.name_zh, "en-US": d.name_en}, "phone": d.phone,
                                 "sms": d.sms, "email": d.email, "handoff_hours": d.handoff_hours,
                                 "reply_hours": d.reply_hours} for d in DepartmentBook().all()])


@bp.post("/tickets/<number>/handoff")
@require_role("supervisor", "agent")
@operation("Hand a ticket to a business department (hand-off and reply clocks; the department and the "
           "customer are told)", tags=["tickets"], request=HANDOFF_SCHEMA,
           responses={200: "the ticket, handed over (unchanged if already waiting on that department)",
                      403: "an agent handing over a ticket not assigned to them", 404: "no such ticket",
                      409: "changed by someone else at the same moment",
                      422: "an unknown department, or a ticket no longer open"}, path=NUMBER)
def hand_off_ticket(number: str):
    body, ticket = own_ticket_request(number, HANDOFF_SCHEMA, "hand over", "a hand-off")
    key = text(body.get("department"), "department", 40, required=True)
    note = text(body.get("note"), "note", 500) or ""
    return changed(ticket, lambda: handoff.hand_off(db.session(), ticket, key, actor_name(g.principal), note=note))


@bp.post("/tickets/<number>/department-reply")
@require_role("supervisor", "agent")
@operation("Record the department's reply on a ticket handed to it (stops its clocks, met or missed)",
           tags=["tickets"], request=REPLY_SCHEMA,
           description="`final` (default true): the department's answer; false: it has only taken the ticket in hand.",
           responses={200: "the ticket with the department's clocks met or missed",
                      403: "an agent recording a reply on a ticket not assigned to them", 404: "no such ticket",
                      409: "changed by someone else at the same moment",
                      422: "no text, or a ticket not handed to a department"}, path=NUMBER)
def department_reply(number: str):
    body, ticket = own_ticket_request(number, REPLY_SCHEMA, "record a department's reply on", "a department's reply")
    reply = text(body.get("text"), "text", 4000, required=True)
    final = boolean(body.get("final"), "final")
    return changed(ticket, lambda: handoff.record_reply(db.session(), ticket, reply, actor_name(g.principal),
                                                        final=final is not False))


@bp.get("/reports/frequent-problems")
@require_role("supervisor", "qa")
@operation("The week's frequent problems by category and department, for the service-business meeting",
           tags=["reports"],
           description="Query: week (ISO week like 2026-W48 in the center's zone; default the last full week), "
                       "format (json|csv).",
           responses={200: "counts per category and department, most frequent first (JSON, or text/csv)",
                      400: "a bad week or format (named)"},
           media=("application/json", "text/csv"),
           query={"week": {"type": "string", "pattern": WEEK.pattern}, "format": schemas.one_of(("json", "csv"))})
def frequent_problems_report():
    zone = current_app.config["HOTLINE_SETTINGS"].timezone
    monday = _week(request.args.get("week"), local_day(now(), zone))
    fmt = query_choice(request.args.get("format"), "format", ("json", "csv"), "json")
    report = frequent_problems.build(db.session(), monday, zone, DepartmentBook().all())
    if fmt == "csv":
        return csv_export.attachment(csv_export.lines(frequent_problems.csv_rows(report)),
                                     f"frequent-problems-{report['week']}.csv")
    return jsonify(report)


def _week(raw: str | None, today: date) -> date:
    """The Monday of ISO week `raw`, or of the last full week before `today`."""
    if not raw:
        return today - timedelta(days=today.weekday() + 7)
    found = WEEK.fullmatch(raw)
    if found is None:
        abort_json(400, f"week: expected an ISO week like 2026-W48, got {raw[:20]!r}")
    try:
        return date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1)
    except ValueError:
        abort_json(400, f"week: {raw} has no such week")
