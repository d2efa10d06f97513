"""Ticket counts and SLA compliance per day, week or month. Pure logic: counted groups in, report out.

The database does the counting (`tickets.report_query`): one row per period and combination of
category, priority, status and the two SLA states, with how many tickets share it. A year at a
million tickets is a few thousand such rows, so the report's cost and memory do not grow with the
tickets (issue #14).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Iterable

from hotline import csv_export, sql_periods
from tickets.models import CATEGORIES
from tickets.sla import PRIORITIES
from tickets.transitions import STATUSES

PERIODS = sql_periods.PERIODS  # the report offers every grouping hotline.sql_periods has
SLA_STATES = ("met", "missed", "breached", "at_risk", "pending")


@dataclass(frozen=True)
class TicketGroup:
    period: str  # the local period's label (hotline.sql_periods): 2026-12-03, 2026-W49, 2026-12
    category: str
    priority: str
    status: str
    response_sla: str
    resolution_sla: str
    count: int


def _compliance(counts: dict[str, int]) -> float | None:
    # Decided clocks only: met, missed, or still open past due; pending ones have not been judged.
    decided = counts["met"] + counts["missed"] + counts["breached"]
    return round(counts["met"] / decided, 4) if decided else None


def _summarise(groups: list[TicketGroup]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "count": sum(g.count for g in groups),
        "by_category": {c: 0 for c in CATEGORIES},
        "by_priority": {p: 0 for p in PRIORITIES},
        "by_status": {s: 0 for s in STATUSES},
    }
    clocks = {"response": {s: 0 for s in SLA_STATES}, "resolution": {s: 0 for s in SLA_STATES}}
    for g in groups:
        summary["by_category"][g.category] = summary["by_category"].get(g.category, 0) + g.count
        summary["by_priority"][g.priority] = summary["by_priority"].get(g.priority, 0) + g.count
        summary["by_status"][g.status] = summary["by_status"].get(g.status, 0) + g.count
        clocks["response"][g.response_sla] = clocks["response"].get(g.response_sla, 0) + g.count
        clocks["resolution"][g.resolution_sla] = clocks["resolution"].get(g.resolution_sla, 0) + g.count
    summary["sla"] = {name: {**counts, "compliance": _compliance(counts)} for name, counts in clocks.items()}
    return summary


def build_report(groups: Iterable[TicketGroup], period: str = "day") -> dict[str, Any]:
    """Periods with tickets, oldest first, then the totals."""
    groups = list(groups)
    buckets: dict[str, list[TicketGroup]] = {}
    for g in sorted(groups, key=lambda g: g.period):  # the labels sort as their periods do
        buckets.setdefault(g.period, []).append(g)
    return {"period": period, "totals": _summarise(groups),
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
