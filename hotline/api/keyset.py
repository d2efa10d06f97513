"""Keyset pages for every list in the API: an opaque cursor names the last row shown, and the next
page starts after it.

With an index on the order's columns the database walks straight from the cursor, so the last page
costs what the first does (OFFSET reads and throws away every row before the page, and sorts the
table when no index serves the order), and rows inserted while a client walks the pages are neither
skipped nor shown twice. The key is compared as a row value, `(created_at, id) < (:t, :id)`, which
both PostgreSQL (as an index range) and SQLite (3.15+) understand; every column of one key runs the
same direction, and the last one is unique (the id) so the order is total.

A cursor is base64url JSON of the list's name and the last row's key values. It is opaque to
clients, not secret: a hand-made one only moves the start of the page, the filters and the access
policy still apply. One that does not decode, names another list, or holds values the columns
cannot (a 2^31 id, a naive time) is a 400 naming the query field.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

from flask import request, url_for
from sqlalchemy import Select, and_, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from hotline.api import schemas
from hotline.api.errors import abort_json
from hotline.params import column_length, column_max, query_bool

CURSOR_FIELD = "after"
CURSOR_MAX_LENGTH = 400
# The OpenAPI description of the cursor and of `count`: a cursor no list gave out is a 400, which no
# schema can say; the operations' descriptions do.
CURSOR_SCHEMA = {"type": "string", "minLength": 1, "maxLength": CURSOR_MAX_LENGTH, "pattern": "^[A-Za-z0-9_-]+$",
                 "description": "the `next` of the previous page (opaque); a cursor this list did not give out is a 400"}
ESTIMATE = "estimate"
BOOLEAN_WORDS = {"1", "true", "yes", "0", "false", "no"}  # as hotline.params.query_bool reads them
ESTIMATE_ABOVE = 10_000  # count=estimate counts exactly up to this many rows, then asks the planner
COUNT_SCHEMA = {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": [ESTIMATE]}],
                "description": "also answer `total`, the number of matching rows, and `total_estimated`: with true "
                               "an exact COUNT over the filtered rows (its cost grows with them); with estimate, "
                               f"exact up to {ESTIMATE_ABOVE:,} rows and above that PostgreSQL's planner estimate "
                               "(`total_estimated`: true; SQLite always counts). Off by default"}
PAGING_DESCRIPTION = ("Paged by key: pass `next` back as `after` (or follow `next_url`); a cursor this list did "
                      "not give out is a 400. `total` only with count=true (exact) or count=estimate "
                      "(`total_estimated` says which).")
PAGING_RESPONSES = {400: "the limit or the cursor is malformed (named)"}


def paging_query(default_limit: int) -> dict[str, dict[str, Any]]:
    """The query parameters of a keyset-paged list, for `@operation(query=...)`: limit, after, count."""
    return {"limit": {**schemas.LIMIT, "default": default_limit}, "after": CURSOR_SCHEMA, "count": COUNT_SCHEMA}


@dataclass(frozen=True)
class Order:
    """A list's order: its name (bound into its cursors) and its key columns, most significant first."""

    name: str
    columns: tuple[Any, ...]
    descending: bool = False

    def sort(self, query: Select) -> Select:
        return query.order_by(*(c.desc() if self.descending else c.asc() for c in self.columns))

    def after(self, query: Select, values: Sequence[Any]) -> Select:
        """The rows that come after `values` in this order."""
        return query.where(self.after_clause(values))

    def after_clause(self, values: Sequence[Any]) -> Any:
        bound = tuple_(*(literal(v, type_=c.type) for c, v in zip(self.columns, values)))
        key = tuple_(*self.columns)
        return key < bound if self.descending else key > bound

    def key_of(self, row: Any) -> tuple[Any, ...]:
        return tuple(getattr(row, c.key) for c in self.columns)

    def encode(self, row: Any) -> str:
        values = [v.astimezone(timezone.utc).isoformat() if isinstance(v, datetime) else v for v in self.key_of(row)]
        raw = json.dumps([self.name, *values], ensure_ascii=False, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str, field: str = CURSOR_FIELD) -> tuple[Any, ...]:
        try:
            if len(cursor) > CURSOR_MAX_LENGTH:
                raise ValueError("too long")
            data = _payload(cursor)
            if not isinstance(data, list) or len(data) != len(self.columns) + 1 or data[0] != self.name:
                raise ValueError("not this list's cursor")
            return tuple(_value(c, v) for c, v in zip(self.columns, data[1:]))
        except (ValueError, TypeError, UnicodeDecodeError, binascii.Error, RecursionError):
            abort_json(400, f"{field}: not a cursor this list gave out (pass back the `next` of the previous page)")


def _payload(cursor: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())


def _value(column: Any, value: Any) -> Any:
    """A decoded key value as the column holds it, or ValueError."""
    column_type = column.type
    kind = (column_type.impl if isinstance(column_type, TypeDecorator) else column_type).python_type
    if kind is datetime:
        if not isinstance(value, str):
            raise ValueError(value)
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None or not 2000 <= moment.year <= 2100:
            raise ValueError(value)
        return moment.astimezone(timezone.utc)
    if kind is int:
        top = column_max(column)
        if isinstance(value, bool) or not isinstance(value, int) or not -top - 1 <= value <= top:
            raise ValueError(value)
        return value
    if kind is str:
        if not isinstance(value, str) or len(value) > column_length(column):
            raise ValueError(value)
        return value
    raise TypeError(f"{column} cannot be a key column")


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next: str | None
    total: int | None = None
    estimated: bool = False

    def links(self) -> dict[str, Any]:
        """`next` (the cursor) and `next_url` (this request with `after` set to it), and `total` and
        `total_estimated` if counted."""
        extra: dict[str, Any] = {"next": self.next, "next_url": next_url(self.next) if self.next else None}
        if self.total is not None:
            extra["total"] = self.total
            extra["total_estimated"] = self.estimated
        return extra


def count_arg(field: str = "count") -> bool | str:
    """The request's `count`: False (none), True (exact) or ESTIMATE; anything else is a 400."""
    raw = request.args.get(field) or ""
    if raw.lower() == ESTIMATE:
        return ESTIMATE
    if raw and raw.lower() not in BOOLEAN_WORDS:
        abort_json(400, f"{field}: expected true, false or {ESTIMATE}, got {raw[:40]!r}")
    return bool(query_bool(raw, field))


def total_of(session: Session, query: Select, count: bool | str) -> tuple[int | None, bool]:
    """(the number of rows of `query`, whether it is the planner's estimate) as `count` asks."""
    if not count:
        return None, False
    filtered = query.order_by(None)
    if count != ESTIMATE or session.get_bind().dialect.name != "postgresql":
        return session.scalar(select(func.count()).select_from(filtered.subquery())), False
    # Counting stops after ESTIMATE_ABOVE rows: a small result is exact at the cost of reading it, a
    # large one costs a bounded read plus the planning of the query (no rows read).
    capped = session.scalar(select(func.count()).select_from(filtered.limit(ESTIMATE_ABOVE + 1).subquery()))
    if capped <= ESTIMATE_ABOVE:
        return capped, False
    compiled = filtered.compile(dialect=session.get_bind().dialect)
    plan = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).scalar()
    return max(int(plan[0]["Plan"]["Plan Rows"]), capped), True


def next_url(cursor: str) -> str:
    """This request's URL with the same filters, `after` the cursor and no `page` (OFFSET) any more."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in (CURSOR_FIELD, "page")}
    return url_for(request.endpoint, **(request.view_args or {}), **args, **{CURSOR_FIELD: cursor})


def fetch(session: Session, query: Select, order: Order, *, limit: int, cursor: str | None = None,
          offset: int = 0, count: bool | str = False, field: str = CURSOR_FIELD) -> Page:
    """One page of `query`'s rows (ORM entities) in `order`: after `cursor` when given, else from the
    start (skipping `offset` rows: callers bound it to a few small pages). One row past the page is
    read to know whether there is a next; `count` (True or ESTIMATE, see `total_of`) adds a total."""
    total, estimated = total_of(session, query, count)
    if cursor:
        query = order.after(query, order.decode(cursor, field))
    query = order.sort(query).limit(limit + 1)
    rows = list(session.scalars(query.offset(offset) if offset else query))
    shown = rows[:limit]
    return Page(shown, order.encode(shown[-1]) if len(rows) > limit else None, total, estimated)


def cursor_list(cursor: str) -> str | None:
    """The list name a cursor carries (None when it does not decode); its values are checked by `decode`."""
    try:
        data = _payload(cursor)
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error, RecursionError):
        return None
    return data[0] if isinstance(data, list) and data and isinstance(data[0], str) else None


def fetch_ranked(session: Session, query: Select, rank: Any, ranks: Sequence[str], rank_of: Callable[[Any], int],
                 within: tuple[Any, ...], *, limit: int, cursor: str | None = None, count: bool | str = False,
                 field: str = CURSOR_FIELD) -> Page:
    """One page of a list ordered by a rank no column holds (`rank`: a CASE giving 0, 1, ... over
    `ranks`, and `rank_of(row)` the same in Python), then by the key columns `within` (ascending) in
    each rank: a work queue, escalations first. Each rank is an Order of its own named `ranks[i]`,
    so the cursor names the rank it stopped in. For a filtered set small enough to sort (the rank
    is no index's order): the filter should find the rows by index."""
    orders = [Order(name, within) for name in ranks]
    total, estimated = total_of(session, query, count)
    if cursor:
        name = cursor_list(cursor) if len(cursor) <= CURSOR_MAX_LENGTH else None
        if name not in ranks:
            abort_json(400, f"{field}: not a cursor this list gave out (pass back the `next` of the previous page)")
        at = list(ranks).index(name)
        query = query.where(or_(rank > at, and_(rank == at, orders[at].after_clause(orders[at].decode(cursor, field)))))
    rows = list(session.scalars(query.order_by(rank, *within).limit(limit + 1)))
    shown = rows[:limit]
    return Page(shown, orders[rank_of(shown[-1])].encode(shown[-1]) if len(rows) > limit else None, total, estimated)
