"""Reading the customer file's preferred contact time, and rescheduling into it (pure rules)."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from revisits.contact_time import ANY_DAY, WEEKENDS, WORKDAYS, PreferredTime, read_contact_time
from revisits.window import CallingHours, reschedule_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("text, expected", [
    ("09:00-12:00", PreferredTime(((540, 720),))),
    ("９：３０～１１：００", PreferredTime(((570, 660),))),
    ("14点到17点", PreferredTime(((840, 1020),))),
    ("下午", PreferredTime(((840, 1080),))),
    ("工作日晚上", PreferredTime(((1080, 1260),), WORKDAYS)),
    ("weekday mornings", PreferredTime(((540, 720),), WORKDAYS)),
    ("周末", PreferredTime(((0, 1440),), WEEKENDS)),
    ("Evenings, 10:00 to 11:00", PreferredTime(((600, 660), (1080, 1260)), ANY_DAY)),
])
def test_what_an_agent_types_is_read(text, expected):
    assert read_contact_time(text) == expected


@pytest.mark.parametrize("text", [None, "", "随时", "call me maybe", "25:00-26:00", "12:00-09:00"])
def test_what_cannot_be_read_is_no_preference(text):
    assert read_contact_time(text) is None


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


HOURS = CallingHours("Asia/Shanghai", 9 * 60, 20 * 60, frozenset())


@pytest.mark.parametrize("now, preferred, expected", [
    (local(2026, 11, 24, 10), None, local(2026, 11, 24, 12)),
    (local(2026, 11, 24, 10), "18:00-22:00", local(2026, 11, 24, 18)),
    (local(2026, 11, 24, 10), "07:00-09:30", local(2026, 11, 25, 9)),  # bounded by calling hours
    (local(2026, 11, 24, 10), "11:00-13:00", local(2026, 11, 24, 12)),  # two hours on, still inside
    (local(2026, 11, 27, 10), "工作日上午", local(2026, 11, 27, 12)),  # Friday: no weekday morning in 24 h
    (local(2026, 11, 27, 10), "周末上午", local(2026, 11, 28, 9)),
    (local(2026, 11, 24, 19), None, local(2026, 11, 25, 9)),
])
def test_the_next_call_after_not_now(now, preferred, expected):
    deadline = now + timedelta(hours=24)
    found = reschedule_time(now.astimezone(timezone.utc), deadline, HOURS, read_contact_time(preferred))
    assert found == expected


def test_no_later_calling_time_in_the_window_is_none():
    now = local(2026, 11, 24, 19)
    assert reschedule_time(now, now + timedelta(hours=1), HOURS, None) is None
