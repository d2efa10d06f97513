"""The access log for admins: GET /api/access-log (JSON, keyset-paged) and /api/access-log.csv (streamed)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Iterator

from flask import Blueprint, jsonify, request
from sqlalchemy import Select, select

from access.models import KINDS, AccessLogEntry
from hotline import csv_export, db
from hotline.api import keyset, schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.params import query_choice, query_day, query_limit, query_moment, query_text

bp = Blueprint("access", __name__)  # nested under /api by the app factory (hotline.areas)

DEFAULT_LIMIT, MAX_LIMIT = 100, 500
CSV_BATCH = 500
CSV_COLUMNS = ("id", "at", "actor", "role", "agent_id", "kind", "subject", "detail", "via", "address")
FILTERS = {
    "kind": schemas.one_of(KINDS),
    "actor": schemas.text(AccessLogEntry.actor),
    "subject": {**schemas.text(AccessLogEntry.subject), "description": "a CallSid or a customer's E.164 number"},
    "from": {**schemas.MOMENT, "description": "ISO date or date-time (UTC when no offset), inclusive"},
    "to": {**schemas.MOMENT, "description": "ISO date (inclusive) or date-time (exclusive)"},
}


# Oldest first by (at, id): the id breaks ties between entries written in the same microsecond.
ORDER = keyset.Order("access-log", (AccessLogEntry.at, AccessLogEntry.id))


def _moment(value: str | None, field: str, end: bool) -> datetime | None:
    """A date (the whole UTC day; `to` includes it) or an aware/UTC date-time, via the shared parsers."""
    if not value:
        return None
    if len(value) == 10:
        day = query_day(value, field)
        return datetime.combine(day, time.min, timezone.utc) + (timedelta(days=1) if end else timedelta())
    return query_moment(value, field, None).astimezone(timezone.utc)  # type: ignore[arg-type]


def filtered() -> Select:
    args = request.args
    query = select(AccessLogEntry)
    kind = query_choice(args.get("kind"), "kind", KINDS)
    if kind:
        query = query.where(AccessLogEntry.kind == kind)
    for field in ("actor", "subject"):
        column = getattr(AccessLogEntry, field)
        wanted = query_text(args.get(field), field, column=column)
        if wanted is not None and not wanted.strip():
            abort_json(400, f"{field}: must not be blank")  # as the document says (pattern \S)
        if wanted:
            query = query.where(column == wanted)
    start, end = _moment(args.get("from"), "from", end=False), _moment(args.get("to"), "to", end=True)
    if start:
        query = query.where(AccessLogEntry.at >= start)
    if end:
        query = query.where(AccessLogEntry.at < end)
    return query


@bp.get("/access-log")
@require_role("admin")
@operation("Who opened which recording, transcript or customer file, when (oldest first)", tags=["access"],
           query={**FILTERS, "after": keyset.CURSOR_SCHEMA, "count": keyset.COUNT_SCHEMA,
                  "limit": {**schemas.integer(maximum=MAX_LIMIT), "default": DEFAULT_LIMIT}},
           responses={200: "a page of entries and the `next` cursor (null on the last page)",
                      400: "a filter, cursor or limit is malformed (named)"},
           description="Keyset-paged by (at, id): pass `next` back as `after` (or follow `next_url`) for the next "
                       "page; a cursor this list did not give out is a 400. `total` only with count=true (exact) or "
                       "count=estimate. Kept for RECORDINGS_RETENTION_DAYS. Admins only.")
def access_log():
    limit = query_limit(request.args.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    count = keyset.count_arg()
    page = keyset.fetch(db.session(), filtered(), ORDER, limit=limit, cursor=request.args.get("after"), count=count)
    return jsonify(items=[r.to_dict() for r in page.rows], **page.links())


def csv_lines(query: Select) -> Iterator[str]:
    """The header, then the rows in batches walked by key, so memory stays flat however long the log."""

    def rows() -> Iterator[list]:
        yield list(CSV_COLUMNS)
        session = db.session()
        batch = session.scalars(ORDER.sort(query).limit(CSV_BATCH)).all()
        while batch:
            for entry in batch:
                data = entry.to_dict()
                yield [data[c] for c in CSV_COLUMNS]
            if len(batch) < CSV_BATCH:
                return  # a short batch was the last one
            batch = session.scalars(ORDER.sort(ORDER.after(query, ORDER.key_of(batch[-1]))).limit(CSV_BATCH)).all()

    return csv_export.lines(rows())


@bp.get("/access-log.csv")
@require_role("admin")
@operation("The access log as CSV (streamed; the same filters)", tags=["access"], query=FILTERS,
           media=("text/csv",),
           responses={200: "text/csv, oldest first; cells starting with = + - @ are prefixed with '",
                      400: "a filter is malformed (named)"})
def access_log_csv():
    query = filtered()  # checked before streaming starts, so a bad filter is a 400, not a broken file
    return csv_export.attachment(csv_lines(query), "access-log.csv")
