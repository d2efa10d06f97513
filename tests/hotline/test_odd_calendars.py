"""Calendars the validator accepts but nobody plans for: open 24/7, no working day at all, a year of
holidays, hours wrapping past midnight. Every clock computation must answer, bounded (issue 17, item 8)."""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

from hotline.calendar import BusinessCalendar, load_calendar
from tickets.sla import PRIORITIES, due_times

SH = ZoneInfo("Asia/Shanghai")
TUESDAY = datetime(2026, 11, 24, 22, 0, tzinfo=SH)


def test_no_working_day_counts_calendar_days_and_says_so(caplog):
    closed = BusinessCalendar(business_hours={}, night_shift=(time(0), time(23, 59, 59)))
    with caplog.at_level(logging.WARNING, logger="hotline.calendar"):
        due = closed.add_working_days(TUESDAY, 3)
    assert due == (TUESDAY + timedelta(days=3)).astimezone(timezone.utc)
    assert "no working day found in 81 days" in caplog.text  # 7 * 3 + 60
    assert closed.next_opening(TUESDAY) is None
    assert closed.is_night_shift(TUESDAY) and not closed.is_business_hours(TUESDAY)


def test_a_year_of_holidays_falls_back_and_the_day_after_them_counts():
    weekdays = {d: (time(9), time(18)) for d in range(5)}
    year = frozenset(date(2026, 11, 25) + timedelta(days=i) for i in range(366))
    shut = BusinessCalendar(business_hours=weekdays, holidays=year)
    assert shut.add_working_days(TUESDAY, 1) == (TUESDAY + timedelta(days=1)).astimezone(timezone.utc)
    # Near the end of the holidays, the working day after them is found within the bound.
    late = datetime(2027, 11, 20, 10, 0, tzinfo=SH)
    assert shut.add_working_days(late, 1) == datetime(2027, 11, 26, 10, 0, tzinfo=SH)  # Friday


def test_open_around_the_clock_and_the_end_of_time():
    always = load_calendar(load_calendar.__globals__["DEMO_CALENDAR_PATH"])
    assert always.add_working_days(TUESDAY, 3) == datetime(2026, 11, 27, 22, 0, tzinfo=SH)
    assert always.next_opening(TUESDAY) == TUESDAY
    last = datetime(9999, 12, 30, 12, 0, tzinfo=timezone.utc)
    closed = BusinessCalendar(business_hours={})
    assert closed.next_opening(last) is None
    assert always.add_working_days(datetime(9999, 12, 20, tzinfo=timezone.utc), 3).year == 9999


def test_hours_wrapping_past_midnight_still_give_a_due_time():
    nights = BusinessCalendar(business_hours={d: (time(20), time(8)) for d in range(7)})
    due = nights.add_working_days(TUESDAY, 2)
    assert due.astimezone(SH).date() == date(2026, 11, 26)


hours = st.tuples(st.times(), st.times()).map(lambda span: (span[0].replace(microsecond=0),
                                                             span[1].replace(microsecond=0)))
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def calendars(draw) -> BusinessCalendar:
    holidays = draw(st.one_of(st.frozensets(days, max_size=60),
                              st.builds(lambda start, n: frozenset(start + timedelta(days=i) for i in range(n)),
                                        days, st.integers(0, 800))))
    workdays = draw(st.frozensets(days, max_size=20)) - holidays
    return BusinessCalendar(business_hours=draw(st.dictionaries(st.integers(0, 6), hours, max_size=7)),
                            night_shift=draw(st.none() | hours), holidays=holidays, workdays=workdays)


@settings(max_examples=300)
@given(calendar=calendars(),
       moment=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31),
                           timezones=st.just(timezone.utc)),
       count=st.integers(0, 30))
def test_no_clock_computation_raises_or_runs_away(calendar, moment, count):
    due = calendar.add_working_days(moment, count)
    assert due.tzinfo is not None and due >= moment - timedelta(days=1)
    # Bounded: never further than the search limit plus a day's hours.
    assert due - moment <= timedelta(days=7 * count + 62)
    calendar.is_business_hours(moment)
    calendar.is_night_shift(moment)
    opening = calendar.next_opening(moment)
    assert opening is None or opening >= moment
    for priority in PRIORITIES:
        response, resolution = due_times(moment, priority, calendar)
        assert moment <= response <= resolution or response == resolution
