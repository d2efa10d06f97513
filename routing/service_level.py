"""The service-level report: were callers answered within three rings of entering the queue?

How callers count: `offered` is every caller who entered a queue in the period. `answered` reached
an agent (a callback counts from when its agent was connected to call back). `abandoned` hung up
before. The service level is answered-within-threshold divided by offered, leaving out callers
who hung up within the threshold (they gave us no chance to answer in time) and callers still
waiting; a caller who abandoned after the threshold counts as a failure. The threshold is the
three rings, RING_SECONDS x MAX_RINGS.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable


@dataclass(frozen=True)
class CallRecord:
    queue: str
    entered_at: datetime
    answered_at: datetime | None
    abandoned_at: datetime | None
    agent: str | None = None


def summarise(calls: Iterable[CallRecord], missed_offers: dict[str, int], threshold: float,
              as_of: datetime) -> dict:
    calls = list(calls)
    answered = [c for c in calls if c.answered_at is not None]
    abandoned = [c for c in calls if c.abandoned_at is not None and c.answered_at is None]
    waits = [(c.answered_at - c.entered_at).total_seconds() for c in answered]
    in_time = sum(1 for w in waits if w <= threshold)
    short_abandons = sum(1 for c in abandoned if (c.abandoned_at - c.entered_at).total_seconds() <= threshold)
    waiting = len(calls) - len(answered) - len(abandoned)
    counted = len(calls) - short_abandons - waiting
    longest = 0.0
    for c in calls:
        end = c.answered_at or c.abandoned_at or as_of
        longest = max(longest, (end - c.entered_at).total_seconds())
    per_agent: dict[str, int] = {}
    for c in answered:
        per_agent[c.agent or "?"] = per_agent.get(c.agent or "?", 0) + 1
    return {
        "offered": len(calls),
        "answered": len(answered),
        "abandoned": len(abandoned),
        "abandoned_within_threshold": short_abandons,
        "waiting": waiting,
        "answered_within_threshold": in_time,
        "service_level": round(in_time / counted, 4) if counted else None,
        "threshold_seconds": threshold,
        "average_speed_of_answer_seconds": round(sum(waits) / len(waits), 1) if waits else None,
        "longest_wait_seconds": round(longest, 1),
        "answered_per_agent": per_agent,
        "missed_offers_per_agent": missed_offers,
    }
