"""Times as people read and hear them, and local days as reports count them, in both languages.

Stored times are aware UTC (hotline.db.UTCDateTime); everything a person reads is the same instant
shown in the call center's time zone (the TIMEZONE setting), or the customer's own zone where that
is the rule (their SMS). Pure logic (no Flask) except `center_zone()` and the template filters of
`init_app`; one place for every format, so the SMS, the IVR, the desk and the reports cannot drift
apart.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def center_zone() -> str:
    """The call center's time zone (the TIMEZONE setting) of the current app."""
    return current_app.config["HOTLINE_SETTINGS"].timezone


def known_zone(zone: str | None) -> bool:
    try:
        return bool(zone) and ZoneInfo(zone) is not None
    except (ZoneInfoNotFoundError, ValueError):
        return False


def local(moment: datetime, zone: str) -> datetime:
    """The instant as a clock on the wall in `zone` shows it."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: a time people read must be an instant (aware)")
    return moment.astimezone(ZoneInfo(zone))


def written(moment: datetime, language: str, zone: str) -> str:
    """A time as a customer reads it in a text or an agent reads it out: "12月3日 20:00" / "3 Dec 20:00"."""
    at = local(moment, zone)
    if language == "en-US":
        return f"{at.day} {_MONTHS[at.month - 1][:3]} {at:%H:%M}"
    return f"{at.month}月{at.day}日 {at:%H:%M}"


def spoken(moment: datetime, language: str, zone: str) -> str:
    """A time as the IVR says it: "12月3日20点30分" / "December 3 at 8:30 PM"."""
    at = local(moment, zone)
    if language == "zh-CN":
        minute = f"{at.minute}分" if at.minute else ""
        return f"{at.month}月{at.day}日{at.hour}点{minute}"
    hour = at.hour % 12 or 12
    return f"{_MONTHS[at.month - 1]} {at.day} at {hour}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def on_page(moment: datetime | None, zone: str, seconds: bool = False) -> str:
    """A time in a table or a CSV cell: "2026-12-03 20:00" in `zone` (empty for no time)."""
    if moment is None:
        return ""
    return local(moment, zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def iso_local(moment: datetime | None, zone: str) -> str:
    """ISO 8601 with the local offset ("2026-12-03T20:00:00+08:00"): CSV cells a person reads in
    the center's time and a program still parses as one instant (empty for no time)."""
    return "" if moment is None else local(moment, zone).isoformat()


def local_day(moment: datetime, zone: str) -> date:
    """The calendar day `moment` falls on in `zone` (a ticket's day, a report's row)."""
    return local(moment, zone).date()


def day_start(day: date, zone: str) -> datetime:
    """Local midnight starting `day` in `zone`, as an aware UTC datetime: in UTC so that arithmetic
    on it is on instants (Python subtracts two times of one ZoneInfo by their wall clocks, so a
    23-hour day would come out as 24)."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of `day` in `zone`: "today in Asia/Shanghai" as a range filter on UTC columns."""
    return day_start(day, zone), day_start(day + timedelta(days=1), zone)


def start_of_day(moment: datetime, zone: str) -> datetime:
    """Local midnight of the day `moment` falls on in `zone`."""
    return day_start(local_day(moment, zone), zone)


def parse_moment(raw: str, zone: str) -> datetime:
    """An ISO 8601 date or time from a query string, as an instant: an offset (or Z) is honoured;
    a bare date is local midnight and a time without offset a local time in `zone` (what a person
    typing "2026-11-24" means), never UTC. ValueError when it is not ISO 8601."""
    text = raw.strip().replace("Z", "+00:00")
    if "T" in text and " " in text:
        text = text.replace(" ", "+")  # an unencoded "+08:00" arrives in a query string as " 08:00"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value


def init_app(app) -> None:
    """Page templates show times the same way: `{{ t.created_at|center_time }}` ("2026-12-03 20:00"),
    `|center_day` ("2026-12-03"), and `center_zone()` for scripts that format times in the browser."""

    def center_time(moment: datetime | str | None, seconds: bool = False) -> str:
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return on_page(moment, center_zone(), seconds)

    def center_day(moment: datetime | None) -> str:
        return "" if moment is None else local_day(moment, center_zone()).isoformat()

    app.add_template_filter(center_time, "center_time")
    app.add_template_filter(center_day, "center_day")
    app.add_template_global(center_zone, "center_zone")
