"""GET /api/reports/satisfaction (JSON or CSV) and the revisits of a ticket, for supervisors.

The do-not-contact list's endpoints are messaging's (messaging/api.py)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select

from hotline import csv_export, db
from hotline.api import keyset, openapi, schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.clock import now
from hotline.params import query_choice, query_day, query_int, query_limit, query_text
from revisits.models import Revisit
from revisits.reports import report_csv_lines, satisfaction_report
from revisits.satisfaction import GROUPINGS

bp = Blueprint("revisits", __name__)  # nested under /api by the app factory (hotline.areas)


def _day(name: str, default: date) -> date:
    return query_day(request.args.get(name), name) or default


@bp.get("/reports/satisfaction")
@require_role("supervisor", "qa")
@openapi.operation(
    "CSAT and first-contact resolution from revisits", tags=["reports"],
    description="Query: by=agent|category|day|week|month, from/to (dates, inclusive, in the center's time zone; "
                "default the last 30 days), agent_id, category, format=json|csv. CSAT = share of scores 4-5; "
                "FCR = share of customers who said their issue was solved.",
    responses={200: "report (JSON or text/csv)", 400: "bad query, or to before from"}, media=("application/json", "text/csv"),
    query={"by": schemas.one_of(GROUPINGS), "from": schemas.DAY, "to": schemas.DAY,
           "agent_id": schemas.integer(Revisit.agent_id), "category": schemas.text(Revisit.category, blank=True),
           "format": schemas.one_of(("json", "csv"))})
def satisfaction():
    settings = current_app.config["HOTLINE_SETTINGS"]
    zone = ZoneInfo(settings.timezone)
    today = now().astimezone(zone).date()
    first, last = _day("from", today - timedelta(days=29)), _day("to", today)
    if last < first:
        abort_json(400, "to: must not be before from")
    by = query_choice(request.args.get("by"), "by", GROUPINGS, "agent")
    report = satisfaction_report(
        db.session(), start=datetime.combine(first, time(), zone), end=datetime.combine(last + timedelta(days=1), time(), zone),
        by=by, timezone=settings.timezone, agent_id=query_int(request.args.get("agent_id"), "agent_id", None),
        category=query_text(request.args.get("category"), "category", column=Revisit.category))
    if query_choice(request.args.get("format"), "format", ("json", "csv"), "json") == "csv":
        filename = f"satisfaction-{by}-{first}-{last}.csv"
        return csv_export.attachment(report_csv_lines(report), filename)
    return jsonify(report)


# Newest first by id (ids only grow): the primary key serves every page.
REVISIT_ORDER = keyset.Order("revisits", (Revisit.id,), descending=True)


@bp.get("/revisits")
@require_role("supervisor", "qa")
@openapi.operation("Revisits of a ticket, or the latest ones", tags=["revisits"],
                   description="Query: ticket_id, state, limit (default 50, at most 500). Newest first, paged by "
                               "key: pass `next` back as `after` (or follow `next_url`); a cursor this list did "
                               "not give out is a 400. `total` only with count=true (exact) or count=estimate.",
                   query={"ticket_id": schemas.integer(Revisit.ticket_id), "state": schemas.text(Revisit.state, blank=True),
                          "limit": schemas.LIMIT, "after": keyset.CURSOR_SCHEMA, "count": keyset.COUNT_SCHEMA})
def list_revisits():
    limit = query_limit(request.args.get("limit"))
    stmt = select(Revisit)
    ticket_id = query_int(request.args.get("ticket_id"), "ticket_id", None, column=Revisit.ticket_id)
    if ticket_id is not None:
        stmt = stmt.where(Revisit.ticket_id == ticket_id)
    state = query_text(request.args.get("state"), "state", column=Revisit.state)
    if state:
        stmt = stmt.where(Revisit.state == state)
    page = keyset.fetch(db.session(), stmt, REVISIT_ORDER, limit=limit, cursor=request.args.get("after"),
                        count=keyset.count_arg())
    return jsonify(revisits=[r.to_dict() for r in page.rows], **page.links())
