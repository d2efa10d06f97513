"""A stored UTC instant's local day, ISO week or month as a SQL expression, for GROUP BY in reports.

Reports count rows per period of the center's zone in the database, so a year of rows is never
read into Python. PostgreSQL converts with `AT TIME ZONE` and formats with `to_char`; SQLite has
no time zones, so every SQLite connection gets `hotline_local_period(value, zone, by)`, which
converts with zoneinfo exactly as `hotline.local_time` does (still one value per group handed back).
The labels are the ones the reports always used: `2026-12-03`, `2026-W49` (ISO year and week of the
local day), `2026-12`.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, literal
from sqlalchemy.engine import Engine

PERIODS = ("day", "week", "month")
PG_FORMATS = {"day": "YYYY-MM-DD", "week": 'IYYY-"W"IW', "month": "YYYY-MM"}


def period_label(moment: datetime, by: str, zone: ZoneInfo) -> str:
    """The label of the local period holding the aware `moment`."""
    local = moment.astimezone(zone)
    if by == "day":
        return local.date().isoformat()
    if by == "week":
        monday = local.date() - timedelta(days=local.weekday())
        year, week, _ = monday.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{local.year}-{local.month:02d}"
    raise ValueError(f"by: must be one of {', '.join(PERIODS)}")


def local_period(column: Any, by: str, zone: str, dialect: str) -> Any:
    """SQL for the label of the local `by` period of the UTC timestamp `column` in `zone`."""
    if by not in PERIODS:
        raise ValueError(f"by: must be one of {', '.join(PERIODS)}")
    if dialect == "postgresql":
        return func.to_char(func.timezone(literal(zone), column), literal(PG_FORMATS[by]))
    return func.hotline_local_period(column, literal(zone), literal(by))


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _sqlite_local_period(value: str | None, zone: str, by: str) -> str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)  # SQLite holds the UTC clock reading without an offset
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
    return period_label(moment, by, _zone(zone))


@event.listens_for(Engine, "connect")
def _register_on_sqlite(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("hotline_local_period", 3, _sqlite_local_period, deterministic=True)
