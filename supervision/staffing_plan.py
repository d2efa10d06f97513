"""GET /api/staffing's plan: arrivals and handle times from routing (hotline.contracts:
StaffingRecords, CallKpis), the forecast and Erlang C from supervision.staffing."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from hotline import local_time
from hotline.contracts import CallKpis, KpiScope, StaffingRecords, need
from supervision.kpis import FIGURES
from supervision.staffing import SLOT_SECONDS, history_days, plan_slot, same_weekday_average
from supervision.targets import Targets

AHT = next(f for f in FIGURES if f.name == "average_handle_time")


def day_slots(day: date, zone: str) -> list[tuple[str, Any]]:
    """(local "HH:MM", aware UTC start) of each half hour of the local `day`."""
    start, end = local_time.day_start(day, zone), local_time.day_start(day + timedelta(days=1), zone)
    slots, at = [], start
    while at < end:
        slots.append((local_time.local(at, zone).strftime("%H:%M"), at))
        at += timedelta(seconds=SLOT_SECONDS)
    return slots


def staffing_plan(session: Session, *, first: date, days: int, weeks: int, today: date, zone: str,
                  targets: Targets, threshold_seconds: float, queue: str | None = None) -> dict[str, Any]:
    records = need(StaffingRecords)
    coming = [first + timedelta(days=i) for i in range(days)]
    history = {day: history_days(day, weeks, today) for day in coming}
    every_day = sorted({d for ds in history.values() for d in ds})
    ranges = [(local_time.day_start(d, zone), local_time.day_start(d + timedelta(days=1), zone)) for d in every_day]
    arrived: dict[str, dict[tuple[date, str], int]] = defaultdict(dict)
    for row in records.arrivals(session, ranges, queue):
        at = local_time.local(row.slot, zone)
        arrived[row.queue][(at.date(), at.strftime("%H:%M"))] = row.calls
    handled = {row.key: AHT.value(row.counts) for row in need(CallKpis).call_counts(
        session, KpiScope(ranges[0][0], ranges[-1][1], zone, group="queue", queue=queue), threshold_seconds)}
    signed_in = records.signed_in(session)
    level = targets.of("service_level")
    target = level.value if level is not None else 0.8
    allowances = targets.staffing
    queues = {}
    for name in ([queue] if queue else records.queue_names()):
        handle = handled.get(name) or allowances.default_handle_seconds
        slots = []
        for day in coming:
            labels = day_slots(day, zone)
            forecast = same_weekday_average(arrived.get(name, {}), history[day], [label for label, _ in labels])
            for label, start in labels:
                plan = plan_slot(forecast[label], handle, threshold_seconds, target,
                                 shrinkage=allowances.shrinkage, abandon_allowance=allowances.abandon_allowance)
                slots.append({"start": local_time.local(start, zone).isoformat(), **asdict(plan),
                              "short_of_signed_in": max(0, plan.agents_scheduled - signed_in.get(name, 0))})
        queues[name] = {"handle_seconds": round(handle, 1), "handle_seconds_from_history": name in handled
                        and handled[name] is not None, "signed_in_now": signed_in.get(name, 0), "slots": slots}
    return {"from": first.isoformat(), "days": days, "history_weeks": weeks, "timezone": zone,
            "history_days": {day.isoformat(): [d.isoformat() for d in ds] for day, ds in history.items()},
            "method": "same weekday and half hour, averaged over the history weeks; Erlang C agents for the "
                      "service-level target; agents scheduled = needed / (1 - shrinkage)",
            "service_level_target": target, "threshold_seconds": threshold_seconds,
            "shrinkage": allowances.shrinkage, "abandon_allowance": allowances.abandon_allowance, "queues": queues}
