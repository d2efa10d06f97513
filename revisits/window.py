"""When a revisit may ring or text a customer: pure rules, no Flask or database.

The manuals ask for a revisit within 24 hours of resolution. Inside that window we only contact
people during calling hours in *their* time zone (never at night), and we avoid public holidays
unless the window holds no other calling time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from revisits.contact_time import WEEKENDS, WORKDAYS, PreferredTime

REVISIT_WINDOW = timedelta(hours=24)
# "Not a good time now" (现在不方便): the customer is called again no sooner than this. Long enough
# not to ring them in the same meeting, short enough to fit the 24 hours most days.
RESCHEDULE_DELAY = timedelta(hours=2)
# A customer told "it is fixed" needs a little time to see that it is; calling the same minute
# would ask about something they have not tried yet.
SETTLE_TIME = timedelta(hours=1)


@dataclass(frozen=True)
class CallingHours:
    """Daily calling hours (minutes after local midnight, end exclusive) and days to avoid."""

    timezone: str
    start_minute: int = 9 * 60
    end_minute: int = 20 * 60
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= 24 * 60:
            raise ValueError("calling hours must start before they end on the same day, e.g. 09:00-20:00")
        ZoneInfo(self.timezone)

    def span_on(self, day: date) -> tuple[datetime, datetime]:
        midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(self.timezone))
        # Adding to an aware local time moves the wall clock, so DST days keep 09:00 at 09:00.
        return (midnight + timedelta(minutes=self.start_minute), midnight + timedelta(minutes=self.end_minute))

    def allows(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        start, end = self.span_on(local.date())
        return start <= local < end


def next_calling_time(earliest: datetime, deadline: datetime, hours: CallingHours) -> datetime | None:
    """The first moment at or after `earliest` and before `deadline` inside calling hours.

    A holiday is used only when no ordinary day offers a moment before the deadline. None when
    the window holds no calling time at all.
    """
    zone = ZoneInfo(hours.timezone)
    day = earliest.astimezone(zone).date() - timedelta(days=1)
    last_day = deadline.astimezone(zone).date()
    on_holiday: datetime | None = None
    while day <= last_day:
        start, end = hours.span_on(day)
        candidate = max(start, earliest)
        if candidate < min(end, deadline):
            if day not in hours.holidays:
                return candidate.astimezone(timezone.utc)
            on_holiday = on_holiday or candidate.astimezone(timezone.utc)
        day += timedelta(days=1)
    return on_holiday


def first_revisit_time(resolved_at: datetime, hours: CallingHours) -> tuple[datetime | None, datetime]:
    """(when to make the first attempt, the deadline) for a ticket resolved at `resolved_at`."""
    deadline = resolved_at + REVISIT_WINDOW
    first = next_calling_time(resolved_at + SETTLE_TIME, deadline, hours)
    if first is None:  # calling hours too short to fit after the settling time: do not wait
        first = next_calling_time(resolved_at, deadline, hours)
    return first, deadline


def retry_time(now: datetime, deadline: datetime, hours: CallingHours, retry_minutes: int) -> datetime | None:
    """When to call again after an unanswered call: `retry_minutes` later, or the next calling time."""
    return next_calling_time(now + timedelta(minutes=retry_minutes), deadline, hours)


def _preferred_day(day: date, preferred: PreferredTime, hours: CallingHours) -> bool:
    if preferred.days == WORKDAYS:
        return day.weekday() < 5 and day not in hours.holidays
    if preferred.days == WEEKENDS:
        return day.weekday() >= 5
    return day not in hours.holidays


def preferred_calling_time(earliest: datetime, deadline: datetime, hours: CallingHours,
                           preferred: PreferredTime) -> datetime | None:
    """The first moment at or after `earliest` and before `deadline` that is inside both calling hours
    and the customer's preferred time; None when the window holds none."""
    zone = ZoneInfo(hours.timezone)
    day = earliest.astimezone(zone).date() - timedelta(days=1)
    while day <= deadline.astimezone(zone).date():
        if _preferred_day(day, preferred, hours):
            calling_start, calling_end = hours.span_on(day)
            midnight = calling_start - timedelta(minutes=hours.start_minute)
            for start_minute, end_minute in preferred.spans:
                start = max(calling_start, midnight + timedelta(minutes=start_minute), earliest)
                if start < min(calling_end, midnight + timedelta(minutes=end_minute), deadline):
                    return start.astimezone(timezone.utc)
        day += timedelta(days=1)
    return None


def reschedule_time(now: datetime, deadline: datetime, hours: CallingHours,
                    preferred: PreferredTime | None) -> datetime | None:
    """When to call a customer who said now is not a good time: `RESCHEDULE_DELAY` later at the
    earliest, in their preferred time when the window has one, else the next calling time; None when
    the 24 hours hold no later calling time."""
    earliest = now + RESCHEDULE_DELAY
    if preferred is not None:
        found = preferred_calling_time(earliest, deadline, hours, preferred)
        if found is not None:
            return found
    return next_calling_time(earliest, deadline, hours)
