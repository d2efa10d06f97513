"""Rows counted per local day, ISO week or month of a stored UTC instant, in SQL: the one grouping
every report uses (tickets, satisfaction), so a year of rows is never read into Python.

A zone with summer time has 23- and 25-hour days, so a row's local period is never found by shifting
UTC by one offset. On PostgreSQL the database converts each value to the zone's wall clock and
truncates it (`date_trunc` of `timezone(zone, column)`, the zone's rules applying per row), and the
label is written once per group. SQLite knows no zones: the UTC instants where each local period
starts are computed here (`hotline.local_time.day_start`, exact across clock changes) and each row
is put in the period whose range holds it, by a join with a small VALUES table of those bounds (one
row per period, each reading its own range of the column's index). The labels are the ones the
reports always used: `2026-12-03`, `2026-W49` (ISO year and week of the local day), `2026-12`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, func, literal, select, values
from sqlalchemy import column as sql_column

from hotline import local_time

PERIODS = ("day", "week", "month")
PG_FORMATS = {"day": "YYYY-MM-DD", "week": 'IYYY-"W"IW', "month": "YYYY-MM"}


def _check(by: str) -> None:
    if by not in PERIODS:
        raise ValueError(f"by: must be one of {', '.join(PERIODS)}")


def day_label(day: date, by: str) -> str:
    """The label of the local `by` period holding the local `day`."""
    _check(by)
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def period_label(moment: datetime, by: str, zone: ZoneInfo) -> str:
    """The label of the local period holding the aware `moment` (the definition the SQL follows)."""
    return day_label(moment.astimezone(zone).date(), by)


def first_day(day: date, by: str) -> date:
    """The local day the `by` period holding `day` starts on: the day, its Monday, its 1st."""
    _check(by)
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def next_first_day(day: date, by: str) -> date:
    """The first day of the period after the one starting on `day`."""
    if by == "week":
        return day + timedelta(days=7)
    if by == "month":
        return (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return day + timedelta(days=1)


def period_bounds(start: datetime, end: datetime, by: str, zone: str) -> list[tuple[str, datetime, datetime]]:
    """(label, from, to) in UTC of each local period meeting [start, end), clipped to it, oldest first."""
    _check(by)
    bounds = []
    day = first_day(local_time.local_day(start, zone), by)
    while True:
        begins = max(local_time.day_start(day, zone), start)
        following = next_first_day(day, by)
        ends = min(local_time.day_start(following, zone), end)
        if begins >= end:
            return bounds
        bounds.append((day_label(day, by), begins, ends))
        day = following


@dataclass(frozen=True)
class Grouping:
    """`query`: a SELECT of `label` over the rows whose column is in [start, end); add the columns
    counted and the filters, then GROUP BY `key` (and the other columns grouped on)."""

    query: Select
    label: Any
    key: Any


def local_periods(instant: Any, start: datetime, end: datetime, by: str, zone: str, dialect: str) -> Grouping:
    """Rows of the table of `instant` (a column of stored UTC instants) with `instant` in [start, end),
    labelled with the local `by` period in `zone` that holds it."""
    _check(by)
    if dialect == "postgresql":
        key = func.date_trunc(literal(by), func.timezone(literal(zone), instant))
        label = func.to_char(key, literal(PG_FORMATS[by])).label("period")
        return Grouping(select(label).where(instant >= start, instant < end), label, key)
    # The bounds carry the column's own type, so SQLite compares them as it stores the column; an
    # empty range is one empty period (VALUES needs a row).
    bounds = period_bounds(start, end, by, zone) or [("", start, start)]
    periods = values(sql_column("label", String()), sql_column("start", instant.type),
                     sql_column("end", instant.type), name="periods").data(bounds).cte("periods")
    label = periods.c.label.label("period")
    query = select(label).select_from(periods).where(instant >= periods.c.start, instant < periods.c.end)
    return Grouping(query, label, periods.c.label)
