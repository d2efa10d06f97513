"""The SLA clock: when a ticket's first response and resolution are due, and how it stands.

Pure logic (no Flask, no database), from the service manual's priorities:
urgent (紧急): respond within 2 hours; normal (一般): within 24 hours; routine (常规): done within
3 working days, counted on the business calendar. Time spent waiting on the customer extends both
clocks when pausing is configured: `paused_seconds` so far, plus the running pause since
`paused_since`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.calendar import BusinessCalendar

PRIORITIES = ("urgent", "normal", "routine")
# One step up when a clock breaches; urgent is already the top.
RAISED_PRIORITY = {"routine": "normal", "normal": "urgent", "urgent": "urgent"}


@dataclass(frozen=True)
class Target:
    hours: int = 0
    working_days: int = 0

    def due_from(self, start: datetime, calendar: BusinessCalendar) -> datetime:
        if self.working_days:
            return calendar.add_working_days(start, self.working_days)
        return start + timedelta(hours=self.hours)


@dataclass(frozen=True)
class Policy:
    response: Target
    resolution: Target
    promise: str  # which due time the customer is told: "response" or "resolution"


POLICIES = {
    "urgent": Policy(response=Target(hours=2), resolution=Target(hours=24), promise="response"),
    "normal": Policy(response=Target(hours=24), resolution=Target(working_days=3), promise="response"),
    "routine": Policy(response=Target(working_days=3), resolution=Target(working_days=3), promise="resolution"),
}


def due_times(opened_at: datetime, priority: str, calendar: BusinessCalendar) -> tuple[datetime, datetime]:
    """(response due, resolution due) for a ticket opened at `opened_at`."""
    policy = POLICIES[priority]
    response = policy.response.due_from(opened_at, calendar)
    resolution = max(policy.resolution.due_from(opened_at, calendar), response)
    return response, resolution


def promised_at(priority: str, response_due: datetime, resolution_due: datetime) -> datetime:
    """The time we promise the customer in the creation SMS and the IVR status."""
    return response_due if POLICIES[priority].promise == "response" else resolution_due


def paused_for(paused_seconds: float, paused_since: datetime | None, now: datetime) -> timedelta:
    running = (now - paused_since).total_seconds() if paused_since is not None else 0.0
    return timedelta(seconds=paused_seconds + max(running, 0.0))


@dataclass(frozen=True)
class ClockReading:
    """Where one clock (response or resolution) stands at `now`."""

    state: str  # pending | at_risk | breached | met | missed
    due: datetime  # the due time moved on by pauses
    remaining: timedelta


def read_clock(due: datetime, done_at: datetime | None, pause: timedelta, now: datetime,
               warn_before: timedelta) -> ClockReading:
    effective_due = due + pause
    if done_at is not None:
        state = "met" if done_at <= effective_due else "missed"
        return ClockReading(state, effective_due, effective_due - done_at)
    remaining = effective_due - now
    if remaining <= timedelta(0):
        return ClockReading("breached", effective_due, remaining)
    if remaining <= warn_before:
        return ClockReading("at_risk", effective_due, remaining)
    return ClockReading("pending", effective_due, remaining)


@dataclass(frozen=True)
class SlaClock:
    """The ticket fields the clock needs, copied out so this module never touches the database."""

    priority: str
    response_due: datetime
    resolution_due: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    paused_seconds: float = 0.0
    paused_since: datetime | None = None

    def readings(self, now: datetime, warn_before: timedelta) -> tuple[ClockReading, ClockReading]:
        pause = paused_for(self.paused_seconds, self.paused_since, now)
        return (read_clock(self.response_due, self.first_response_at, pause, now, warn_before),
                read_clock(self.resolution_due, self.resolved_at, pause, now, warn_before))
