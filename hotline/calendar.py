"""Business hours, the night shift, holidays and working days, from a calendar file operators edit.

Pure logic (no Flask): the IVR asks whether it is business hours or the night shift, tickets count
"3 working days", revisits skip holidays. The file (CALENDAR_PATH, default `hotline/calendar.yaml`):

    timezone: Asia/Shanghai               # optional; must equal the TIMEZONE setting, which it follows
    business_hours: {mon: "09:00-18:00", ..., sat: "09:00-12:00"}   # days not listed are closed
    night_shift: "18:00-09:00"            # when night agents may take calls; may wrap past midnight
    holidays: [2026-10-01, ...]           # closed all day, not working days
    workdays: [2026-10-10]                # make-up working days on a weekend (调休)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_CALENDAR_PATH = Path(__file__).with_name("calendar.yaml")
DEMO_CALENDAR_PATH = Path(__file__).parent / "demo" / "calendar.yaml"  # open at every hour (HOTLINE_DEMO)


class CalendarError(ValueError):
    """The calendar file is wrong; the message names the file and field."""


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

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """The same local time `days` working days later (the end of that day's hours if later), as
        aware UTC like every time hotline keeps, so it prints the same before and after it is stored."""
        local = self.local(moment)
        day = local.date()
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        hours = self.hours_on(day) or (time(9), time(18))
        at = local.time() if hours[0] <= local.time() <= hours[1] else hours[1]
        if local.time() < hours[0]:
            at = hours[1]
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(timezone.utc)

    def next_opening(self, moment: datetime) -> datetime:
        local = self.local(moment)
        day = local.date()
        for offset in range(0, 60):
            candidate = day + timedelta(days=offset)
            hours = self.hours_on(candidate)
            if hours is None:
                continue
            opening = datetime.combine(candidate, hours[0], tzinfo=self.zone)
            closing = datetime.combine(candidate, hours[1], tzinfo=self.zone)
            if local < opening:
                return opening
            if local < closing:
                return local
        raise CalendarError("no working day in the next 60 days")


def _parse_date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CalendarError(f"{where}: expected a date like 2026-10-01, got {value!r}") from None


def load_calendar(path: Path | None = None, default_timezone: str = "Asia/Shanghai") -> BusinessCalendar:
    path = path or DEFAULT_CALENDAR_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise CalendarError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise CalendarError(f"{path}{line}: not valid YAML") from None
    if not isinstance(data, dict):
        raise CalendarError(f"{path}: expected a mapping at the top")
    zone = str(data.get("timezone", default_timezone))
    try:
        ZoneInfo(zone)
    except Exception:
        raise CalendarError(f"{path}: timezone: unknown time zone {zone!r}") from None
    if zone != default_timezone:
        # Business hours in one zone and every time shown in another would promise customers hours
        # the center does not keep: the center has one time zone, the TIMEZONE setting.
        raise CalendarError(f"{path}: timezone: {zone} differs from TIMEZONE={default_timezone}; "
                            f"remove the line (the calendar follows TIMEZONE) or make them agree")
    hours: dict[int, tuple[time, time]] = {}
    raw_hours = data.get("business_hours", {})
    if not isinstance(raw_hours, dict):
        raise CalendarError(f"{path}: business_hours: expected a mapping of day to HH:MM-HH:MM")
    for name, span in raw_hours.items():
        key = str(name).lower()[:3]
        if key not in DAY_NAMES:
            raise CalendarError(f"{path}: business_hours.{name}: unknown day (use mon..sun)")
        hours[DAY_NAMES.index(key)] = _parse_span(span, f"{path}: business_hours.{name}")
    night = data.get("night_shift")
    return BusinessCalendar(
        timezone=zone,
        business_hours=hours,
        night_shift=_parse_span(night, f"{path}: night_shift") if night else None,
        holidays=frozenset(_parse_date(v, f"{path}: holidays[{i}]") for i, v in enumerate(data.get("holidays") or [])),
        workdays=frozenset(_parse_date(v, f"{path}: workdays[{i}]") for i, v in enumerate(data.get("workdays") or [])),
    )


def get_calendar() -> BusinessCalendar:
    """The app's calendar, re-read when the file changes."""
    from flask import current_app

    settings = current_app.config["HOTLINE_SETTINGS"]
    path = settings.calendar_path or (DEMO_CALENDAR_PATH if settings.demo else DEFAULT_CALENDAR_PATH)
    cache = current_app.extensions.setdefault("hotline.calendar", {})
    mtime = path.stat().st_mtime_ns
    if cache.get("mtime") != mtime:
        cache["calendar"] = load_calendar(path, settings.timezone)
        cache["mtime"] = mtime
    return cache["calendar"]
