"""The staffing plan's arithmetic: pure, no Flask or database.

Forecast: the calls of a queue in a local half hour of a coming day are the average of the same
half hour on the same weekday of the last weeks (complete days only). Agents: the fewest whose
Erlang C service level reaches the target for that traffic (hotline.erlang), then the shrinkage
allowance on top; the abandon allowance takes the share of callers expected to hang up off the
traffic first (0 by default: every forecast caller is served at the full handle time).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from hotline import erlang

SLOT_SECONDS = 1800


def history_days(day: date, weeks: int, today: date) -> list[date]:
    """The same weekday as `day` in the `weeks` weeks before it that are over by `today`."""
    days, back = [], 1
    while len(days) < weeks:
        earlier = day - timedelta(days=7 * back)
        if earlier < today:
            days.append(earlier)
        back += 1
    return days


def same_weekday_average(history: dict[tuple[date, str], int], days: list[date], slots: list[str]) -> dict[str, float]:
    """Calls per slot label ("HH:MM", local) averaged over `days` (a day with no call counts as 0)."""
    return {slot: sum(history.get((day, slot), 0) for day in days) / len(days) if days else 0.0 for slot in slots}


@dataclass(frozen=True)
class SlotPlan:
    calls: float  # forecast callers in the half hour
    traffic_erlangs: float
    agents_needed: int  # on the phones, by Erlang C
    agents_scheduled: int  # with the shrinkage allowance
    predicted_service_level: float | None


def plan_slot(calls: float, handle_seconds: float, threshold_seconds: float, target: float, *,
              shrinkage: float, abandon_allowance: float) -> SlotPlan:
    traffic = calls * (1 - abandon_allowance) * handle_seconds / SLOT_SECONDS
    needed = erlang.agents_needed(traffic, handle_seconds, threshold_seconds, target)
    predicted = erlang.service_level(needed, traffic, handle_seconds, threshold_seconds) if needed else None
    return SlotPlan(round(calls, 2), round(traffic, 3), needed, math.ceil(needed / (1 - shrinkage)) if needed else 0,
                    None if predicted is None else round(predicted, 4))
