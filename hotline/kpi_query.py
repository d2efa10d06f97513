"""The one shape of every area's KPI query (hotline.contracts.KpiScope): the rows of a range, per
local period or as one, per group column or as one, counted in SQL. Each area names its instant
column, its group column and what it counts; this module builds the SELECT and reads the rows."""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Select, case, func, null, select
from sqlalchemy.orm import Session

from hotline.contracts import KpiCounts, KpiScope
from hotline.db import without_jit
from hotline.sql_periods import local_periods


def grouped(session: Session, instant: Any, scope: KpiScope, *, queue: Any, agent: Any) -> tuple[Select, list[Any]]:
    """A SELECT of (period, group) over the rows whose `instant` is in the scope's range, narrowed to
    the scope's queue and agent, and the keys to GROUP BY: add the counted columns (`count_if`) and
    the area's own filters, then `group_by(*keys)`.

    `queue` and `agent` are the area's columns for a queue and an agent id (a joined table's columns
    are fine: join it with `join_from`, since on SQLite the periods' VALUES table comes first)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        without_jit(session)  # a year of rows: compiling the plan cost more than running it
    if scope.by is None:
        query, keys = select(null().label("period")).where(instant >= scope.start, instant < scope.end), []
    else:
        periods = local_periods(instant, scope.start, scope.end, scope.by, scope.zone, dialect)
        query, keys = periods.query, [periods.key]
    if scope.queue:
        query = query.where(queue == scope.queue)
    if scope.agent_id is not None:
        query = query.where(agent == scope.agent_id)
    group_column = {"queue": queue, "agent": agent}.get(scope.group)
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
