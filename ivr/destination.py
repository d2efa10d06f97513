"""Where a caller who asked for a person goes, given the hour: pure logic, no Flask.

In business hours: the queue for their need. Outside them, during the night shift with night
agents signed in: the night queue (the need is still recorded as the call's category). Otherwise
nobody can answer, so the caller leaves a message that becomes a ticket with a callback.
"""
from __future__ import annotations

from dataclasses import dataclass

NIGHT_QUEUE = "night"


@dataclass(frozen=True)
class Destination:
    kind: str  # "queue" | "voicemail"
    queue: str | None = None


def choose_destination(skill: str, *, business_hours: bool, night_shift: bool, night_agents: int) -> Destination:
    if business_hours:
        return Destination("queue", skill)
    if night_shift and night_agents > 0:
        return Destination("queue", NIGHT_QUEUE)
    return Destination("voicemail")
