from datetime import date, datetime, timedelta, timezone

import pytest

from revisits.window import CallingHours, first_revisit_time, next_calling_time, retry_time

UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("resolved, expected", [
    # Shanghai is UTC+8. Resolved 10:00 local -> one hour to settle -> 11:00 local.
    (utc(2026, 11, 24, 2, 0), utc(2026, 11, 24, 3, 0)),
    # Resolved 19:30 local: 20:30 is after hours -> 09:00 next morning.
    (utc(2026, 11, 24, 11, 30), utc(2026, 11, 25, 1, 0)),
    # Resolved 02:00 local (night shift): 09:00 the same morning, never at night.
    (utc(2026, 11, 23, 18, 0), utc(2026, 11, 24, 1, 0)),
    # Resolved 18:59 local: 19:59 is still inside calling hours.
    (utc(2026, 11, 24, 10, 59), utc(2026, 11, 24, 11, 59)),
])
def test_first_revisit_in_shanghai_calling_hours(resolved, expected):
    first, deadline = first_revisit_time(resolved, CallingHours("Asia/Shanghai"))
    assert first == expected
    assert deadline == resolved + timedelta(hours=24)


@pytest.mark.parametrize("resolved, expected", [
    # New York in November is UTC-5. Resolved 19:00 local -> 09:00 next day local (14:00 UTC).
    (utc(2026, 11, 25, 0, 0), utc(2026, 11, 25, 14, 0)),
    # Resolved 07:00 local -> 09:00 local.
    (utc(2026, 11, 24, 12, 0), utc(2026, 11, 24, 14, 0)),
    # Resolved 18:30 local: 19:30 fits before 20:00.
    (utc(2026, 11, 24, 23, 30), utc(2026, 11, 25, 0, 30)),
])
def test_first_revisit_in_new_york_calling_hours(resolved, expected):
    first, _ = first_revisit_time(resolved, CallingHours("America/New_York"))
    assert first == expected


def test_end_of_calling_hours_is_exclusive():
    hours = CallingHours("Asia/Shanghai")
    assert hours.allows(utc(2026, 11, 24, 11, 59))
    assert not hours.allows(utc(2026, 11, 24, 12, 0))  # 20:00 local
    assert hours.allows(utc(2026, 11, 24, 1, 0))  # 09:00 local
    assert not hours.allows(utc(2026, 11, 24, 0, 59))


def test_a_holiday_is_skipped_when_the_window_allows():
    # Resolved 2026-09-30 12:00 local; 10-01 is a holiday; the rest of 09-30 still fits.
    hours = CallingHours("Asia/Shanghai", holidays=frozenset({date(2026, 10, 1)}))
    first, _ = first_revisit_time(utc(2026, 9, 30, 4, 0), hours)
    assert first == utc(2026, 9, 30, 5, 0)
    # Resolved 19:30 local on 09-30: only 10-01 (a holiday) is inside 24 h, so it is used.
    first, _ = first_revisit_time(utc(2026, 9, 30, 11, 30), hours)
    assert first == utc(2026, 10, 1, 1, 0)


def test_resolved_on_a_holiday_waits_for_the_next_working_morning():
    # Resolved on 10-01 at 10:00 local (holiday); 10-02 09:00 is a working day inside 24 h.
    hours = CallingHours("Asia/Shanghai", holidays=frozenset({date(2026, 10, 1)}))
    first, _ = first_revisit_time(utc(2026, 10, 1, 2, 0), hours)
    assert first == utc(2026, 10, 2, 1, 0)
    # Resolved at 08:00 local: 10-02 09:00 is 25 h away, so the holiday itself is used.
    first, _ = first_revisit_time(utc(2026, 10, 1, 0, 0), hours)
    assert first == utc(2026, 10, 1, 1, 0)


def test_retries_stay_inside_calling_hours_and_the_deadline():
    hours = CallingHours("Asia/Shanghai")
    deadline = utc(2026, 11, 25, 2, 0)
    # 19:45 local + 30 min = 20:15: next morning 09:00.
    assert retry_time(utc(2026, 11, 24, 11, 45), deadline, hours, 30) == utc(2026, 11, 25, 1, 0)
    # Past the deadline: nothing.
    assert next_calling_time(utc(2026, 11, 25, 2, 0), deadline, hours) is None


def test_calling_hours_must_not_wrap_past_midnight():
    with pytest.raises(ValueError):
        CallingHours("Asia/Shanghai", 20 * 60, 9 * 60)


def test_dst_change_keeps_local_hours():
    # 2026-11-01 New York falls back at 02:00; 09:00 local is 14:00 UTC (EST), not 13:00.
    hours = CallingHours("America/New_York")
    assert next_calling_time(utc(2026, 11, 1, 6, 0), utc(2026, 11, 2, 6, 0), hours) == utc(2026, 11, 1, 14, 0)
