"""The service-level report: were callers answered within three rings of entering the queue?

How callers count: `offered` is every caller who entered a queue in the period. `answered` reached
an agent (a callback counts from when its agent was connected to call back). `abandoned` hung up
before. The service level is answered-within-threshold divided by offered, leaving out callers
who hung up within the threshold (they gave us no chance to answer in time) and callers still
waiting; a caller who abandoned after the threshold counts as a failure. The threshold is the
three rings, RING_SECONDS x MAX_RINGS.

The counting is a `Tally` per queue; `report(tally)` turns one into the report's figures. The API
gets its tallies from the database (`routing.service_level_query`, one GROUP BY per report);
`summarise` tallies call records in Python by the same rules, the hand-checked reference.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable


@dataclass(frozen=True)
class CallRecord:
    queue: str
    entered_at: datetime
    answered_at: datetime | None
    abandoned_at: datetime | None
    agent: str | None = None


@dataclass
class Tally:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    abandoned_within_threshold: int = 0
    answered_within_threshold: int = 0
    wait_seconds: float = 0.0  # summed over the answered callers
    longest_wait_seconds: float = 0.0
    answered_per_agent: dict[str, int] = field(default_factory=dict)

    def add(self, other: "Tally") -> None:
        for name in ("offered", "answered", "abandoned", "abandoned_within_threshold",
                     "answered_within_threshold", "wait_seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.longest_wait_seconds = max(self.longest_wait_seconds, other.longest_wait_seconds)
        for agent, n in other.answered_per_agent.items():
            self.answered_per_agent[agent] = self.answered_per_agent.get(agent, 0) + n


def report(tally: Tally, missed_offers: dict[str, int], threshold: float) -> dict:
    waiting = tally.offered - tally.answered - tally.abandoned
    counted = tally.offered - tally.abandoned_within_threshold - waiting
    return {
        "offered": tally.offered,
        "answered": tally.answered,
        "abandoned": tally.abandoned,
        "abandoned_within_threshold": tally.abandoned_within_threshold,
        "waiting": waiting,
        "answered_within_threshold": tally.answered_within_threshold,
        "service_level": round(tally.answered_within_threshold / counted, 4) if counted else None,
        "threshold_seconds": threshold,
        "average_speed_of_answer_seconds": (round(tally.wait_seconds / tally.answered, 1)
                                            if tally.answered else None),
        "longest_wait_seconds": round(tally.longest_wait_seconds, 1),
        "answered_per_agent": tally.answered_per_agent,
        "missed_offers_per_agent": missed_offers,
    }


def tally(calls: Iterable[CallRecord], threshold: float, as_of: datetime) -> Tally:
    result = Tally()
    for c in calls:
        result.offered += 1
        end = c.answered_at or c.abandoned_at or as_of
        result.longest_wait_seconds = max(result.longest_wait_seconds, (end - c.entered_at).total_seconds())
        if c.answered_at is not None:
            wait = (c.answered_at - c.entered_at).total_seconds()
            result.answered += 1
            result.wait_seconds += wait
            result.answered_within_threshold += wait <= threshold
            agent = c.agent or "?"
            result.answered_per_agent[agent] = result.answered_per_agent.get(agent, 0) + 1
        elif c.abandoned_at is not None:
            result.abandoned += 1
            result.abandoned_within_threshold += (c.abandoned_at - c.entered_at).total_seconds() <= threshold
    return result


def summarise(calls: Iterable[CallRecord], missed_offers: dict[str, int], threshold: float,
              as_of: datetime) -> dict:
    return report(tally(calls, threshold, as_of), missed_offers, threshold)
