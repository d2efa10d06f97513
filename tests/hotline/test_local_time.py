"""Times as people read and hear them (pure logic): one instant, the center's or customer's zone."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from hotline import local_time

SHANGHAI = "Asia/Shanghai"
DUE = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)  # 20:00 in Shanghai, the ticket


@pytest.mark.parametrize("moment", [DUE, DUE.astimezone(ZoneInfo(SHANGHAI)),
                                    DUE.astimezone(ZoneInfo("America/New_York")),
                                    DUE.astimezone(timezone(timedelta(hours=-3, minutes=-30)))])
def test_the_same_instant_reads_the_same_whatever_zone_it_is_held_in(moment):
    assert local_time.written(moment, "zh-CN", SHANGHAI) == "12月3日 20:00"
    assert local_time.written(moment, "en-US", SHANGHAI) == "3 Dec 20:00"
    assert local_time.spoken(moment, "zh-CN", SHANGHAI) == "12月3日20点"
    assert local_time.spoken(moment, "en-US", SHANGHAI) == "December 3 at 8:00 PM"
    assert local_time.on_page(moment, SHANGHAI) == "2026-12-03 20:00"


def test_spoken_minutes_and_midnight():
    moment = datetime(2026, 11, 25, 16, 5, tzinfo=timezone.utc)
    assert local_time.spoken(moment, "zh-CN", SHANGHAI) == "11月26日0点5分"
    assert local_time.spoken(moment, "en-US", SHANGHAI) == "November 26 at 12:05 AM"
    assert local_time.written(datetime(2026, 11, 24, 4, 0, tzinfo=timezone.utc), "en-US", SHANGHAI) == "24 Nov 12:00"


def test_a_customer_abroad_reads_their_own_clock():
    assert local_time.written(DUE, "en-US", "America/New_York") == "3 Dec 07:00"


def test_a_naive_time_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="naive"):
        local_time.written(datetime(2026, 12, 3, 20, 0), "zh-CN", SHANGHAI)


def test_the_local_day_starts_at_local_midnight():
    early = datetime(2026, 11, 23, 16, 30, tzinfo=timezone.utc)  # 00:30 on the 24th in Shanghai
    assert local_time.local_day(early, SHANGHAI) == date(2026, 11, 24)
    assert local_time.start_of_day(early, SHANGHAI) == datetime(2026, 11, 23, 16, 0, tzinfo=timezone.utc)
    start, end = local_time.day_bounds(date(2026, 11, 24), SHANGHAI)
    assert (start, end) == (datetime(2026, 11, 23, 16, 0, tzinfo=timezone.utc),
                            datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc))


def test_a_day_with_a_clock_change_is_23_or_25_hours():
    spring = local_time.day_bounds(date(2026, 3, 8), "America/New_York")
    autumn = local_time.day_bounds(date(2026, 11, 1), "America/New_York")
    assert spring[1] - spring[0] == timedelta(hours=23) and autumn[1] - autumn[0] == timedelta(hours=25)


@given(st.datetimes(datetime(2000, 1, 1), datetime(2090, 1, 1), timezones=st.just(timezone.utc)),
       st.sampled_from([SHANGHAI, "America/New_York", "Europe/London", "Pacific/Chatham", "Asia/Kolkata",
                       "America/Santiago", "America/Havana"]))  # the last two skip their midnights in spring
def test_every_instant_falls_in_the_bounds_of_its_own_local_day(moment, zone):
    start, end = local_time.day_bounds(local_time.local_day(moment, zone), zone)
    assert start <= moment < end


@pytest.mark.parametrize("raw, expected", [
    ("2026-11-24", datetime(2026, 11, 23, 16, 0, tzinfo=timezone.utc)),  # a bare date: local midnight
    ("2026-11-24T08:00:00", datetime(2026, 11, 24, 0, 0, tzinfo=timezone.utc)),  # no offset: local time
    ("2026-11-24T08:00:00+08:00", datetime(2026, 11, 24, 0, 0, tzinfo=timezone.utc)),
    ("2026-11-24T08:00:00 08:00", datetime(2026, 11, 24, 0, 0, tzinfo=timezone.utc)),  # "+" unencoded
    ("2026-11-24T00:00:00Z", datetime(2026, 11, 24, 0, 0, tzinfo=timezone.utc)),
])
def test_query_times_without_an_offset_are_the_centers(raw, expected):
    assert local_time.parse_moment(raw, SHANGHAI) == expected


def test_a_query_time_that_is_not_iso_is_refused():
    with pytest.raises(ValueError):
        local_time.parse_moment("yesterday", SHANGHAI)


def test_the_calendar_keeps_the_centers_one_time_zone(tmp_path):
    from hotline.calendar import CalendarError, load_calendar

    path = tmp_path / "calendar.yaml"
    path.write_text('business_hours: {mon: "09:00-18:00"}\n', encoding="utf-8")
    assert load_calendar(path, "America/New_York").timezone == "America/New_York"
    path.write_text('timezone: Asia/Shanghai\nbusiness_hours: {mon: "09:00-18:00"}\n', encoding="utf-8")
    assert load_calendar(path, "Asia/Shanghai").timezone == "Asia/Shanghai"
    with pytest.raises(CalendarError, match="timezone: Asia/Shanghai differs from TIMEZONE=America/New_York"):
        load_calendar(path, "America/New_York")
