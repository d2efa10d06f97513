"""Due times from priority on the business calendar, pauses, and clock readings."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hotline.calendar import BusinessCalendar, load_calendar
from tickets.sla import SlaClock, due_times, promised_at, read_clock

SH = ZoneInfo("Asia/Shanghai")
CALENDAR = load_calendar()  # the shipped calendar: Mon-Fri, Saturday mornings, national holidays


def local(*args):
    return datetime(*args, tzinfo=SH)


def test_urgent_is_two_hours_and_normal_24_hours():
    opened = local(2026, 11, 24, 10, 0)
    assert due_times(opened, "urgent", CALENDAR)[0] == opened + timedelta(hours=2)
    assert due_times(opened, "normal", CALENDAR)[0] == opened + timedelta(hours=24)


@pytest.mark.parametrize("opened,due", [
    (local(2026, 11, 24, 10, 0), local(2026, 11, 27, 10, 0)),   # Tue -> Fri
    (local(2026, 11, 26, 15, 0), local(2026, 11, 30, 15, 0)),   # Thu -> Mon (Sat is a working half day)
    (local(2026, 9, 29, 11, 0), local(2026, 10, 9, 11, 0)),     # Sep 30, (Oct 1-7 holidays), Oct 8, Oct 9
])
def test_routine_is_three_working_days(opened, due):
    assert due_times(opened, "routine", CALENDAR)[1] == due


def test_working_days_skip_weekends_and_holidays():
    calendar = BusinessCalendar(holidays=frozenset({date(2026, 12, 1)}))  # Mon-Fri, 09:00-18:00
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=SH)
    # Mon 30th, (Tue 1st holiday), Wed 2nd, Thu 3rd
    assert calendar.add_working_days(friday, 3) == datetime(2026, 12, 3, 10, 0, tzinfo=SH)
    assert due_times(friday, "routine", calendar)[1] == datetime(2026, 12, 3, 10, 0, tzinfo=SH)


def test_make_up_working_day_counts():
    calendar = BusinessCalendar(workdays=frozenset({date(2026, 11, 28)}))  # a Saturday worked
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=SH)
    assert calendar.add_working_days(friday, 1) == datetime(2026, 11, 28, 10, 0, tzinfo=SH)


def test_promise_is_the_response_for_urgent_and_the_fix_for_routine():
    opened = local(2026, 11, 24, 10, 0)
    for priority, index in (("urgent", 0), ("normal", 0), ("routine", 1)):
        response, resolution = due_times(opened, priority, CALENDAR)
        assert promised_at(priority, response, resolution) == (response, resolution)[index]


def test_clock_states_and_pause():
    due = datetime(2026, 11, 24, 4, 0, tzinfo=timezone.utc)
    warn = timedelta(minutes=30)
    assert read_clock(due, None, timedelta(0), due - timedelta(hours=1), warn).state == "pending"
    assert read_clock(due, None, timedelta(0), due - timedelta(minutes=10), warn).state == "at_risk"
    assert read_clock(due, None, timedelta(0), due + timedelta(seconds=1), warn).state == "breached"
    assert read_clock(due, due - timedelta(1), timedelta(0), due + timedelta(hours=5), warn).state == "met"
    assert read_clock(due, due + timedelta(1), timedelta(0), due + timedelta(hours=5), warn).state == "missed"
    # An hour waiting on the customer moves the deadline an hour.
    assert read_clock(due, None, timedelta(hours=1), due + timedelta(minutes=1), warn).state == "pending"
    assert read_clock(due, None, timedelta(hours=1), due + timedelta(minutes=40), warn).state == "at_risk"
    clock = SlaClock("urgent", due, due + timedelta(hours=22), paused_since=due - timedelta(hours=1))
    response, _ = clock.readings(due + timedelta(hours=3), warn)
    assert response.state == "pending"  # still paused: the clock does not run
