"""The one shape of every area's KPI query (hotline.contracts.KpiScope): the rows of a range, per
local period or as one, per group column or as one, counted in SQL. Each area names its instant
column, its group column and what it counts; this module builds the SELECT and reads the rows."""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Select, case, func, null, select
from sqlalchemy.orm import Session

from hotline.contracts import KpiCounts, KpiScope
from hotline.sql_periods import local_periods


def grouped(session: Session, instant: Any, scope: KpiScope, group_column: Any | None) -> tuple[Select, list[Any]]:
    """A SELECT of (period, group) over the rows whose `instant` is in the scope's range, and the keys
    to GROUP BY; add the counted columns (`counted`) and the area's filters, then `group_by(*keys)`.

    `group_column` is the area's column for the scope's group (None for the center)."""
    dialect = session.get_bind().dialect.name
    if scope.by is None:
        query, keys = select(null().label("period")).where(instant >= scope.start, instant < scope.end), []
    else:
        periods = local_periods(instant, scope.start, scope.end, scope.by, scope.zone, dialect)
        query, keys = periods.query, [periods.key]
    if group_column is None:
        return query.add_columns(null().label("grp")), keys
    return query.add_columns(group_column.label("grp")), [*keys, group_column]


def count_if(condition: Any) -> Any:
    """How many rows meet `condition` (a SUM of CASE, which both databases plan alike)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def counts(rows: Iterable[Any], names: tuple[str, ...]) -> list[KpiCounts]:
    """Rows of (period, group, *values in the order of `names`) as KpiCounts."""
    return [KpiCounts(row[0], row[1], {name: float(value or 0) for name, value in zip(names, row[2:])})
            for row in rows]


def merged(*parts: list[KpiCounts]) -> list[KpiCounts]:
    """One KpiCounts per (period, key) from queries that counted different things."""
    found: dict[tuple, dict[str, float]] = {}
    for part in parts:
        for row in part:
            found.setdefault((row.period, row.key), {}).update(row.counts)
    return [KpiCounts(period, key, values) for (period, key), values in found.items()]
