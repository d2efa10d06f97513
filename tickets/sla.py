"""The SLA clock: when a ticket's first response and resolution are due, and how it stands.

Pure logic (no Flask, no database), from the service manual's priorities:
urgent (紧急): respond within 2 hours; normal (一般): within 24 hours; routine (常规): done within
3 working days, counted on the business calendar. A category may set tighter clocks (complaints:
first response within 1 hour, handled within 24 hours, the 沟通优化方案's 一般投诉一线1小时内 and the
e-commerce manual's 投诉24h); a ticket escalated to a specialist group gets a plan clock (24 hours:
复杂投诉升级专项小组24小时内出方案). The numbers are the SLA rules file's (tickets/sla_rules.yaml,
`SlaRules`); the defaults below are the same. Time spent waiting on the customer extends the clocks
when pausing is configured: `paused_seconds` so far, plus the running pause since `paused_since`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class ClockPair:
    """A category's own clocks; either may be None (the priority's then applies)."""

    response: Target | None = None
    resolution: Target | None = None


@dataclass(frozen=True)
class EscalationGroup:
    """A specialist group a ticket can be escalated to: the routing queue its people answer and
    the name the desk and alerts show."""

    key: str
    queue: str
    names: dict[str, str] = field(default_factory=dict)

    def name(self, language: str) -> str:
        return self.names.get(language) or next(iter(self.names.values()), self.key)


@dataclass(frozen=True)
class SlaRules:
    """The SLA rules file's content: clocks per priority, tighter clocks per category, escalation."""

    priorities: dict[str, Policy] = field(default_factory=lambda: dict(POLICIES))
    categories: dict[str, ClockPair] = field(default_factory=lambda: {
        "complaint": ClockPair(response=Target(hours=1), resolution=Target(hours=24))})
    plan: Target = Target(hours=24)
    groups: dict[str, EscalationGroup] = field(default_factory=lambda: {
        "complaints": EscalationGroup("complaints", "complaint", {"zh-CN": "投诉专项小组", "en-US": "Complaints team"})})
    default_group: str = "complaints"
    # QA keyword categories (transcription/qa_rules.yaml) that, heard in a call, escalate its ticket.
    raise_on_keywords: tuple[str, ...] = ("escalation",)


DEFAULT_RULES = SlaRules()


def _earlier(opened_at: datetime, calendar: BusinessCalendar, *targets: Target | None) -> datetime:
    return min(target.due_from(opened_at, calendar) for target in targets if target is not None)


def due_times(opened_at: datetime, priority: str, calendar: BusinessCalendar, category: str | None = None,
              rules: SlaRules = DEFAULT_RULES) -> tuple[datetime, datetime]:
    """(response due, resolution due) for a ticket opened at `opened_at`: the priority's clocks, or
    the category's where those are sooner (an urgent complaint keeps the urgent 2 h only if sooner)."""
    policy = rules.priorities.get(priority) or POLICIES[priority]
    own = rules.categories.get(category or "") or ClockPair()
    response = _earlier(opened_at, calendar, policy.response, own.response)
    resolution = max(_earlier(opened_at, calendar, policy.resolution, own.resolution), response)
    return response, resolution


def plan_due(escalated_at: datetime, calendar: BusinessCalendar, rules: SlaRules = DEFAULT_RULES) -> datetime:
    """When the specialist group's plan is due for a ticket escalated at `escalated_at`."""
    return rules.plan.due_from(escalated_at, calendar)


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
