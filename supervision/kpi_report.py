"""The KPI pack: each area's counts for a range and the range before it, composed into figures
with their trend and target (supervision.kpis), per center, queue or agent and per local period."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterator

from sqlalchemy.orm import Session

from hotline import csv_export, local_time
from hotline.contracts import (AgentDesk, CallKpis, KpiCounts, KpiScope, QaKpis, RevisitKpis, TicketKpis, need)
from hotline.kpi_query import merged
from hotline.sql_periods import first_day, period_bounds
from supervision.kpis import figures
from supervision.targets import Targets

CSV_COLUMNS = ("period", "group", "key", "name", "figure", "value", "previous", "trend", "target", "meets")


def area_counts(session: Session, scope: KpiScope, targets: Targets, threshold_seconds: float) -> list[KpiCounts]:
    """Every area's counts for `scope`, one KpiCounts per (period, key)."""
    return merged(need(CallKpis).call_counts(session, scope, threshold_seconds),
                  need(TicketKpis).ticket_counts(session, scope, targets.repeat_contact_days),
                  need(RevisitKpis).revisit_counts(session, scope),
                  need(QaKpis).qa_counts(session, scope))


def kpi_report(session: Session, *, first: date, last: date, by: str | None, group: str, zone: str,
               targets: Targets, threshold_seconds: float, queue: str | None = None,
               agent_id: int | None = None) -> dict[str, Any]:
    """Figures of the local days `first`..`last` (inclusive). With `by`, one row per period (the
    first moved back to its period's first day) against the period before it; without, the range
    against the as many days before it."""
    if by is not None:
        first = first_day(first, by)
    start, end = local_time.day_start(first, zone), local_time.day_start(last + timedelta(days=1), zone)
    scope = dict(zone=zone, group=group, queue=queue, agent_id=agent_id)
    if by is None:
        before = local_time.day_start(first - timedelta(days=(last - first).days + 1), zone)
        now_rows = {row.key: row.counts for row in area_counts(session, KpiScope(start, end, by=None, **scope),
                                                               targets, threshold_seconds)}
        then_rows = {row.key: row.counts for row in area_counts(session, KpiScope(before, start, by=None, **scope),
                                                                targets, threshold_seconds)}
        keyed = [(None, key, counts, then_rows.get(key, {})) for key, counts in now_rows.items()]
    else:
        previous_first = first_day(first - timedelta(days=1), by)
        labels = [label for label, _, _ in period_bounds(local_time.day_start(previous_first, zone), end, by, zone)]
        before_label = dict(zip(labels[1:], labels))
        found = {(row.period, row.key): row.counts for row in area_counts(
            session, KpiScope(local_time.day_start(previous_first, zone), end, by=by, **scope), targets,
            threshold_seconds)}
        keyed = [(period, key, counts, found.get((before_label[period], key), {}))
                 for (period, key), counts in found.items() if period != labels[0]]
    names = _agent_names(session) if group == "agent" else {}
    rows = [{"period": period, **_group_key(group, key, names), "figures": figures(counts, previous, targets),
             "counts": counts}
            for period, key, counts, previous in sorted(keyed, key=lambda k: (k[0] or "", str(k[1])))]
    return {"from": first.isoformat(), "to": last.isoformat(), "by": by, "group": group, "timezone": zone,
            "threshold_seconds": threshold_seconds, "queue": queue, "agent_id": agent_id, "rows": rows}


def _agent_names(session: Session) -> dict[int, str]:
    return {agent_id: name for agent_id, name, _ in need(AgentDesk).agent_names(session)}


def _group_key(group: str, key: Any, names: dict[int, str]) -> dict[str, Any]:
    if group == "agent":
        # Rows with no agent: callers who gave up before one answered, tickets nobody was assigned.
        return {"agent": None if key is None else {"id": key, "name": names.get(int(key))}}
    if group == "queue":
        return {"queue": key}
    return {}


def report_lines(report: dict[str, Any]) -> Iterator[str]:
    """One CSV line per row and figure."""
    group = report["group"]

    def rows():
        yield CSV_COLUMNS
        for row in report["rows"]:
            agent = row.get("agent") or {}
            key = row.get("queue") if group == "queue" else agent.get("id")
            for name, figure in row["figures"].items():
                target = figure["target"] or {}
                side, value = next(iter(target.items()), ("", ""))
                yield (row["period"] or f'{report["from"]}..{report["to"]}', group, "" if key is None else key,
                       agent.get("name") or "", name, _cell(figure["value"]), _cell(figure["previous"]),
                       _cell(figure["trend"]), f"{side} {value}".strip(), _cell(figure["meets"]))

    return csv_export.lines(rows(), lineterminator="\r\n")


def _cell(value: Any) -> Any:
    return "" if value is None else value
