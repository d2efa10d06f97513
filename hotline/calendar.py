"""Business hours, the night shift, holidays and working days, from a calendar file operators edit.

Pure logic (no Flask): the IVR asks whether it is business hours or the night shift, tickets count
"3 working days", revisits skip holidays. The file (CALENDAR_PATH, default `hotline/calendar.yaml`):

    timezone: Asia/Shanghai               # optional; must equal the TIMEZONE setting, which it follows
    business_hours: {mon: "09:00-18:00", ..., sat: "09:00-12:00"}   # days not listed are closed
    night_shift: "18:00-09:00"            # when night agents may take calls; may wrap past midnight
    holidays: [2026-10-01, ...]           # closed all day, not working days
    workdays: [2026-10-10]                # make-up working days on a weekend (调休)
    provisional: [2027]                   # years whose list is not yet the State Council's notice

Every clock computation is bounded: a calendar with no working day at all (or a year of holidays)
is one the validator accepts, so `add_working_days` searches 7N + 60 days and then counts calendar
days instead, with a warning, rather than overflowing the date range and losing the ticket.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
import yaml

from hotline.data_files import DataError, DataFile, LiveFile, Reader

log = logging.getLogger(__name__)

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_CALENDAR_PATH = Path(__file__).with_name("calendar.yaml")
DEMO_CALENDAR_PATH = Path(__file__).parent / "demo" / "calendar.yaml"  # open at every hour (HOTLINE_DEMO)


class CalendarError(DataError):
    """The calendar file is wrong (`file:line: field: problem`, one per line), or asks the impossible."""

    def __init__(self, problems: list[str] | str) -> None:
        super().__init__([problems] if isinstance(problems, str) else problems)


def _parse_span(text: str, where: str) -> tuple[time, time]:
    try:
        start, end = (part.strip() for part in str(text).split("-"))
        sh, sm = (int(p) for p in start.split(":"))
        eh, em = (int(p) for p in end.split(":"))
        return time(sh, sm), (time(23, 59, 59) if (eh, em) == (24, 0) else time(eh, em))
    except ValueError:
        raise CalendarError(f"{where}: expected HH:MM-HH:MM, got {text!r}") from None


def _in_span(moment: time, span: tuple[time, time]) -> bool:
    start, end = span
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end  # wraps past midnight


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: str = "Asia/Shanghai"
    business_hours: dict[int, tuple[time, time]] = field(
        default_factory=lambda: {d: (time(9), time(18)) for d in range(5)})
    night_shift: tuple[time, time] | None = (time(18), time(9))
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    provisional: frozenset[int] = frozenset()  # years whose holidays are the statutory days only

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() in self.business_hours

    def hours_on(self, day: date) -> tuple[time, time] | None:
        if not self.is_working_day(day):
            return None
        # A make-up working day on a weekend keeps a weekday's hours.
        return self.business_hours.get(day.weekday()) or self.business_hours.get(0) or (time(9), time(18))

    def is_business_hours(self, moment: datetime) -> bool:
        local = self.local(moment)
        hours = self.hours_on(local.date())
        return hours is not None and _in_span(local.time(), hours)

    def is_night_shift(self, moment: datetime) -> bool:
        """Night-shift hours apply whenever the center is closed inside the night span, holidays included."""
        if self.night_shift is None or self.is_business_hours(moment):
            return False
        local = self.local(moment)
        if self.hours_on(local.date()) is None:
            return True  # closed days are covered by the night shift around the clock
        return _in_span(local.time(), self.night_shift)

    def is_provisional(self, day: date) -> bool:
        """Whether `day`'s year has only provisional holidays (no State Council notice loaded yet)."""
        return day.year in self.provisional

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """The same local time `days` working days later (the end of that day's hours if later), as
        aware UTC like every time hotline keeps, so it prints the same before and after it is stored.

        Bounded: if `days` working days are not found within 7 * days + 60 calendar days (a calendar
        with no working day, a year of holidays), the result is `days` calendar days later at the same
        time, and a warning says so: a promise a day late beats a ticket never filed."""
        local = self.local(moment)
        start = local.date()
        days = max(days, 0)
        day = start
        remaining = days
        limit = start + timedelta(days=min(7 * days + 60, (date.max - start).days))
        while remaining > 0 and day < limit:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        if remaining > 0:
            log.warning("calendar: no working day found in %d days after %s; counting %d calendar days instead",
                        (limit - start).days, start.isoformat(), days)
            return (local + timedelta(days=days)).astimezone(timezone.utc)
        hours = self.hours_on(day) or (time(9), time(18))
        at = local.time() if hours[0] <= local.time() <= hours[1] else hours[1]
        if local.time() < hours[0]:
            at = hours[1]
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(timezone.utc)

    def next_opening(self, moment: datetime, horizon_days: int = 60) -> datetime | None:
        """When the center next opens (`moment` itself if open), or None if it does not open within
        `horizon_days` (a calendar with no working day)."""
        local = self.local(moment)
        day = local.date()
        for offset in range(0, max(horizon_days, 1)):
            try:
                candidate = day + timedelta(days=offset)
            except OverflowError:
                return None
            hours = self.hours_on(candidate)
            if hours is None:
                continue
            opening = datetime.combine(candidate, hours[0], tzinfo=self.zone)
            closing = datetime.combine(candidate, hours[1], tzinfo=self.zone)
            if local < opening:
                return opening
            if local < closing:
                return local
        return None


def _span(reader: Reader, node: yaml.Node, where: str) -> tuple[time, time] | None:
    text = reader.scalar(node, where, "expected HH:MM-HH:MM")
    if text is None:
        return None
    try:
        return _parse_span(text, where)
    except CalendarError as exc:
        reader.fail(node, where, str(exc).split(": ", 1)[1])
        return None


def parse_calendar(reader: Reader, root: yaml.Node | None,
                   default_timezone: str = "Asia/Shanghai") -> BusinessCalendar | None:
    top = {} if root is None else reader.mapping(
        root, "", known=("timezone", "business_hours", "night_shift", "holidays", "workdays", "provisional"),
        what="expected a mapping at the top")
    if top is None:
        return None
    zone = reader.scalar(top["timezone"], "timezone") if "timezone" in top else default_timezone
    try:
        ZoneInfo(zone or "")
    except Exception:
        reader.fail(top.get("timezone"), "timezone", f"unknown time zone {zone!r}")
    else:
        if zone != default_timezone:
            # Business hours in one zone and every time shown in another would promise customers
            # hours the center does not keep: the center has one time zone, the TIMEZONE setting.
            reader.fail(top.get("timezone"), "timezone", f"{zone} differs from TIMEZONE={default_timezone}; "
                        f"remove the line (the calendar follows TIMEZONE) or make them agree")
    hours: dict[int, tuple[time, time]] = {}
    raw_hours = (reader.mapping(top["business_hours"], "business_hours",
                                what="expected a mapping of day to HH:MM-HH:MM") if "business_hours" in top else {})
    for name, span in (raw_hours or {}).items():
        key = name.lower()[:3]
        if key not in DAY_NAMES:
            reader.fail_at(reader.lines[f"business_hours.{name}"], f"business_hours.{name}", "unknown day (use mon..sun)")
            continue
        parsed = _span(reader, span, f"business_hours.{name}")
        if parsed is not None:
            hours[DAY_NAMES.index(key)] = parsed
    night = _span(reader, top["night_shift"], "night_shift") if top.get("night_shift") is not None \
        and reader.value(top["night_shift"]) else None
    days: dict[str, frozenset[date]] = {}
    for name in ("holidays", "workdays"):
        node = top.get(name)
        items = reader.sequence(node, name, what="expected a list of dates") \
            if node is not None and reader.value(node) is not None else []
        found = (reader.day(item, f"{name}[{i}]") for i, item in enumerate(items or []))
        days[name] = frozenset(d for d in found if d is not None)
    both = days["holidays"] & days["workdays"]
    if both:
        reader.fail(top.get("workdays"), "workdays",
                    f"{', '.join(sorted(map(str, both)))} also listed as holidays (a day is one or the other)")
    provisional: set[int] = set()
    node = top.get("provisional")
    items = reader.sequence(node, "provisional", what="expected a list of years") \
        if node is not None and reader.value(node) is not None else []
    for i, item in enumerate(items or []):
        year = reader.integer(item, f"provisional[{i}]", 1970, 9998)
        if year is not None:
            provisional.add(year)
    return BusinessCalendar(timezone=zone or default_timezone, business_hours=hours, night_shift=night,
                            holidays=days["holidays"], workdays=days["workdays"],
                            provisional=frozenset(provisional))


def _calendar_path(settings: Any) -> Path:
    return settings.calendar_path or (DEMO_CALENDAR_PATH if settings.demo else DEFAULT_CALENDAR_PATH)


CALENDAR: DataFile[BusinessCalendar] = DataFile(
    "business calendar", DEFAULT_CALENDAR_PATH, parse_calendar, locate=_calendar_path, error=CalendarError,
    context=lambda settings: {"default_timezone": settings.timezone})


def load_calendar(path: Path | None = None, default_timezone: str = "Asia/Shanghai") -> BusinessCalendar:
    """The calendar in `path` (default: the shipped file), or `CalendarError` listing every problem."""
    return CALENDAR.load(path, default_timezone=default_timezone)


def get_calendar() -> BusinessCalendar:
    """The app's calendar, re-read when the file changes (the last good one kept if an edit is broken)."""
    live = current_app.extensions.get("hotline.calendar")
    if live is None:
        settings = current_app.config["HOTLINE_SETTINGS"]
        live = current_app.extensions.setdefault(
            "hotline.calendar", LiveFile(CALENDAR, _calendar_path(settings), context=CALENDAR.context(settings)))
    return live.current()
