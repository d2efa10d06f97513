"""The satisfaction report over completed revisits, for the API, the CSV export and the supervisor page."""
from __future__ import annotations

import io
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import csv_export
from revisits.models import Revisit
from revisits.satisfaction import Answer, summarise

CSV_COLUMNS = ("group", "surveys", "scored", "csat_percent", "mean_score", "answered_solved", "fcr_percent",
               "not_solved")


def satisfaction_report(session: Session, *, start: datetime, end: datetime, by: str = "agent",
                        timezone: str = "Asia/Shanghai", agent_id: int | None = None,
                        category: str | None = None) -> dict:
    """CSAT and first-contact resolution of revisits completed in [start, end), grouped `by`.

    The supervisor page calls this directly; GET /api/reports/satisfaction serves the same dict.
    """
    stmt = select(Revisit.agent_id, Revisit.category, Revisit.completed_at, Revisit.solved, Revisit.score,
                  Revisit.channel).where(Revisit.state == "completed", Revisit.completed_at >= start,
                                         Revisit.completed_at < end)
    if agent_id is not None:
        stmt = stmt.where(Revisit.agent_id == agent_id)
    if category:
        stmt = stmt.where(Revisit.category == category)
    answers = (Answer(*row) for row in session.execute(stmt))
    rows, total = summarise(answers, by, timezone)
    return {"by": by, "from": start.isoformat(), "to": end.isoformat(), "timezone": timezone,
            "rows": rows, "total": total}


def report_csv(report: dict) -> str:
    buffer = io.StringIO()
    writer = csv_export.dict_writer(buffer, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in [*report["rows"], report["total"]]:
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in CSV_COLUMNS})
    return buffer.getvalue()
