"""The access log for admins: GET /api/access-log (JSON, keyset-paged) and /api/access-log.csv (streamed)."""
from __future__ import annotations

import base64
import csv
import io
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator

from flask import Response, jsonify, request, stream_with_context
from sqlalchemy import Select, and_, or_, select

from access.models import KINDS, AccessLogEntry
from hotline import db
from hotline.api import bp
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.csv_cells import neutralise

DEFAULT_LIMIT, MAX_LIMIT = 100, 500
CSV_BATCH = 500
CSV_COLUMNS = ("id", "at", "actor", "role", "agent_id", "kind", "subject", "detail", "via", "address")
FILTERS = {
    "kind": {"enum": list(KINDS)},
    "actor": {"type": "string", "maxLength": 120},
    "subject": {"type": "string", "maxLength": 64, "description": "a CallSid or a customer's E.164 number"},
    "from": {"type": "string", "description": "ISO date or date-time (UTC when no offset), inclusive"},
    "to": {"type": "string", "description": "ISO date (inclusive) or date-time (exclusive)"},
}


def encode_cursor(entry: AccessLogEntry) -> str:
    return base64.urlsafe_b64encode(f"{entry.at.isoformat()}|{entry.id}".encode()).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        at, _, ident = raw.partition("|")
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None or not ident.isascii() or not ident.isdigit() or int(ident) >= 2**31:
            raise ValueError(raw)
        return moment.astimezone(timezone.utc), int(ident)
    except (ValueError, UnicodeDecodeError):
        abort_json(400, "after: not a cursor this endpoint gave out (use the `next` of the previous page)")


def _moment(value: str, field: str, end: bool) -> datetime:
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            if end:  # a date as `to` includes that whole day
                return datetime.combine(day, time.min, timezone.utc) + timedelta(days=1)
            return datetime.combine(day, time.min, timezone.utc)
        moment = datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        abort_json(400, f"{field}: expected an ISO date (2026-12-01) or date-time, got {value[:40]!r}")
    if not 2000 <= moment.year <= 2100:
        abort_json(400, f"{field}: the year must be from 2000 to 2100")
    return moment.replace(tzinfo=moment.tzinfo or timezone.utc).astimezone(timezone.utc)


def filtered() -> Select:
    args = request.args
    query = select(AccessLogEntry)
    if args.get("kind"):
        if args["kind"] not in KINDS:
            abort_json(400, f"kind: must be one of {', '.join(KINDS)}")
        query = query.where(AccessLogEntry.kind == args["kind"])
    for field, limit in (("actor", 120), ("subject", 64)):
        if args.get(field):
            if len(args[field]) > limit or "\x00" in args[field]:
                abort_json(400, f"{field}: at most {limit} characters, no NUL")
            query = query.where(getattr(AccessLogEntry, field) == args[field])
    if args.get("from"):
        query = query.where(AccessLogEntry.at >= _moment(args["from"], "from", end=False))
    if args.get("to"):
        query = query.where(AccessLogEntry.at < _moment(args["to"], "to", end=True))
    return query


def after(query: Select, at: datetime, ident: int) -> Select:
    """Rows after (at, id), oldest first: the key keeps pages stable while new rows are appended."""
    return query.where(or_(AccessLogEntry.at > at, and_(AccessLogEntry.at == at, AccessLogEntry.id > ident)))


def oldest_first(query: Select) -> Select:
    return query.order_by(AccessLogEntry.at, AccessLogEntry.id)


@bp.get("/access-log")
@require_role("admin")
@operation("Who opened which recording, transcript or customer file, when (oldest first)", tags=["access"],
           query={**FILTERS, "after": {"type": "string", "description": "the `next` cursor of the previous page"},
                  "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
           responses={200: "a page of entries and the `next` cursor (null on the last page)",
                      400: "a filter, cursor or limit is malformed (named)"},
           description="Keyset-paged by (at, id): pass `next` back as `after` for the next page. "
                       "Kept for RECORDINGS_RETENTION_DAYS. Admins only.")
def access_log():
    raw_limit = request.args.get("limit", "")
    if raw_limit and not (raw_limit.isascii() and raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_LIMIT):
        abort_json(400, f"limit: expected a whole number from 1 to {MAX_LIMIT}")
    limit = int(raw_limit) if raw_limit else DEFAULT_LIMIT
    query = filtered()
    if request.args.get("after"):
        query = after(query, *decode_cursor(request.args["after"]))
    rows = db.session().scalars(oldest_first(query).limit(limit + 1)).all()
    page = rows[:limit]
    return jsonify(items=[r.to_dict() for r in page],
                   next=encode_cursor(page[-1]) if len(rows) > limit else None)


def csv_lines(query: Select) -> Iterator[str]:
    """The header, then the rows in batches walked by key, so memory stays flat however long the log."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(v) for v in values])
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    session = db.session()
    batch = session.scalars(oldest_first(query).limit(CSV_BATCH)).all()
    while batch:
        for entry in batch:
            data = entry.to_dict()
            yield line(data[c] for c in CSV_COLUMNS)
        last = batch[-1]
        batch = session.scalars(oldest_first(after(query, last.at, last.id)).limit(CSV_BATCH)).all()


@bp.get("/access-log.csv")
@require_role("admin")
@operation("The access log as CSV (streamed; the same filters)", tags=["access"], query=FILTERS,
           responses={200: "text/csv, oldest first; cells starting with = + - @ are prefixed with '",
                      400: "a filter is malformed (named)"})
def access_log_csv():
    query = filtered()  # checked before streaming starts, so a bad filter is a 400, not a broken file
    return Response(stream_with_context(csv_lines(query)), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=access-log.csv",
                             "Cache-Control": "no-store"})
