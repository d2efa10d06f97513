"""Ticket counts and SLA compliance per day, week or month. Pure logic: rows in, report out."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from hotline import csv_export
from tickets.models import CATEGORIES
from tickets.sla import PRIORITIES
from tickets.transitions import STATUSES

PERIODS = ("day", "week", "month")
SLA_STATES = ("met", "missed", "breached", "at_risk", "pending")


@dataclass(frozen=True)
class TicketFacts:
    day: date  # local day the ticket was opened
    category: str
    priority: str
    status: str
    response_sla: str
    resolution_sla: str


def period_of(day: date, period: str) -> str:
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day:%Y-%m}"
    return day.isoformat()


def _compliance(counts: dict[str, int]) -> float | None:
    # Decided clocks only: met, missed, or still open past due; pending ones have not been judged.
    decided = counts["met"] + counts["missed"] + counts["breached"]
    return round(counts["met"] / decided, 4) if decided else None


def _summarise(rows: list[TicketFacts]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "count": len(rows),
        "by_category": {c: 0 for c in CATEGORIES},
        "by_priority": {p: 0 for p in PRIORITIES},
        "by_status": {s: 0 for s in STATUSES},
    }
    clocks = {"response": {s: 0 for s in SLA_STATES}, "resolution": {s: 0 for s in SLA_STATES}}
    for row in rows:
        summary["by_category"][row.category] = summary["by_category"].get(row.category, 0) + 1
        summary["by_priority"][row.priority] = summary["by_priority"].get(row.priority, 0) + 1
        summary["by_status"][row.status] = summary["by_status"].get(row.status, 0) + 1
        clocks["response"][row.response_sla] = clocks["response"].get(row.response_sla, 0) + 1
        clocks["resolution"][row.resolution_sla] = clocks["resolution"].get(row.resolution_sla, 0) + 1
    summary["sla"] = {name: {**counts, "compliance": _compliance(counts)} for name, counts in clocks.items()}
    return summary


def build_report(rows: Iterable[TicketFacts], period: str = "day") -> dict[str, Any]:
    rows = list(rows)
    buckets: dict[str, list[TicketFacts]] = {}
    for row in sorted(rows, key=lambda r: r.day):
        buckets.setdefault(period_of(row.day, period), []).append(row)
    return {"period": period, "totals": _summarise(rows),
            "periods": [{"period": key, **_summarise(bucket)} for key, bucket in buckets.items()]}


def report_csv(report: dict[str, Any]) -> str:
    """One line per period (then a total line): counts by category, priority, status, SLA compliance."""
    header = (["period", "count"] + [f"category_{c}" for c in CATEGORIES] + [f"priority_{p}" for p in PRIORITIES]
              + [f"status_{s}" for s in STATUSES]
              + [f"{clock}_{what}" for clock in ("response", "resolution")
                 for what in ("met", "missed", "breached", "compliance")])
    out = io.StringIO()
    writer = csv_export.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for entry in [*report["periods"], {"period": "total", **report["totals"]}]:
        writer.writerow([entry["period"], entry["count"]]
                        + [entry["by_category"].get(c, 0) for c in CATEGORIES]
                        + [entry["by_priority"].get(p, 0) for p in PRIORITIES]
                        + [entry["by_status"].get(s, 0) for s in STATUSES]
                        + [("" if entry["sla"][clock][what] is None else entry["sla"][clock][what])
                           for clock in ("response", "resolution")
                           for what in ("met", "missed", "breached", "compliance")])
    return out.getvalue()
