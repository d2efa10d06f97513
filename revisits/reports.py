"""The satisfaction report over completed revisits, for the API, the CSV export and the supervisor page.

Counted in the database: one row per group comes back (an agent, a category, a local day, week or
month), never the revisits themselves, so a year costs the server no more memory than a day.
"""
from __future__ import annotations

from datetime import datetime
from itertools import chain
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline import csv_export
from hotline.sql_periods import local_periods
from revisits.models import Revisit
from revisits.satisfaction import Figures, agent_group, report_rows

CSV_COLUMNS = ("group", "surveys", "scored", "csat_percent", "mean_score", "answered_solved", "fcr_percent",
               "not_solved")


def satisfaction_report(session: Session, *, start: datetime, end: datetime, by: str = "agent",
                        timezone: str = "Asia/Shanghai", agent_id: int | None = None,
                        category: str | None = None) -> dict:
    """CSAT and first-contact resolution of revisits completed in [start, end), grouped `by`.

    The supervisor page calls this directly; GET /api/reports/satisfaction serves the same dict.
    """
    if by in ("agent", "category"):
        key = Revisit.agent_id if by == "agent" else Revisit.category
        query = select(key.label("grp")).where(Revisit.completed_at >= start, Revisit.completed_at < end)
    else:
        periods = local_periods(Revisit.completed_at, start, end, by, timezone, session.get_bind().dialect.name)
        query, key = periods.query, periods.key
    stmt = (query.add_columns(func.count().label("surveys"), func.count(Revisit.score).label("scored"),
                              func.count().filter(Revisit.score >= 4).label("satisfied"),
                              func.coalesce(func.sum(Revisit.score), 0).label("score_total"),
                              func.count(Revisit.solved).label("asked_solved"),
                              func.count().filter(Revisit.solved.is_(True)).label("solved"))
            .where(Revisit.state == "completed").group_by(key))
    if agent_id is not None:
        stmt = stmt.where(Revisit.agent_id == agent_id)
    if category:
        stmt = stmt.where(Revisit.category == category)
    groups = [Figures(agent_group(row[0]) if by == "agent" else row[0], row.surveys, row.scored, row.satisfied,
                      int(row.score_total), row.asked_solved, row.solved) for row in session.execute(stmt)]
    rows, total = report_rows(groups)
    return {"by": by, "from": start.isoformat(), "to": end.isoformat(), "timezone": timezone,
            "rows": rows, "total": total}


def report_csv(report: dict) -> str:
    return "".join(report_csv_lines(report))


def report_csv_lines(report: dict) -> Iterator[str]:
    """The report's groups then its total, one CSV line at a time."""
    rows = ([("" if row[k] is None else row[k]) for k in CSV_COLUMNS] for row in chain(report["rows"], [report["total"]]))
    return csv_export.lines(chain([CSV_COLUMNS], rows), lineterminator="\r\n")
