"""The ticket report's periods are the center's local days, weeks and months, counted by the
database: checked by hand in a zone with summer time (Berlin), around the October change."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from tests.tickets.test_reports_and_ivr import open_ticket


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, timezone="Europe/Berlin")


OPENED = [
    datetime(2026, 9, 30, 22, 30, tzinfo=timezone.utc),   # 1 Oct 00:30 CEST: October, not September
    datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc),   # 25 Oct 02:30 CEST, the 25-hour day
    datetime(2026, 10, 25, 22, 30, tzinfo=timezone.utc),  # 25 Oct 23:30 CET: still the 25th
    datetime(2026, 10, 25, 23, 30, tzinfo=timezone.utc),  # 26 Oct 00:30 CET: Monday, week 44
    datetime(2026, 10, 31, 22, 30, tzinfo=timezone.utc),  # 31 Oct 23:30 CET (+2 would make it November)
    datetime(2026, 10, 31, 23, 30, tzinfo=timezone.utc),  # 1 Nov 00:30 CET
]


@pytest.fixture
def opened(api, clock):
    for moment in OPENED:
        clock.set(moment)
        open_ticket(api)


def counts(report) -> dict[str, int]:
    return {p["period"]: p["count"] for p in report["periods"]}


def test_months_follow_the_local_calendar_across_the_change(api, opened):
    report = api.get("/api/reports/tickets?from=2026-09-01&to=2026-11-30&period=month").get_json()
    assert counts(report) == {"2026-10": 5, "2026-11": 1}
    assert report["totals"]["count"] == 6
    # A report starting on 1 October still holds the ticket opened at 22:30 UTC on 30 September.
    october = api.get("/api/reports/tickets?from=2026-10-01&to=2026-10-31&period=month").get_json()
    assert counts(october) == {"2026-10": 5}


def test_days_and_weeks_of_the_25_hour_day(api, opened):
    days = api.get("/api/reports/tickets?from=2026-10-20&to=2026-11-01").get_json()
    assert counts(days) == {"2026-10-25": 2, "2026-10-26": 1, "2026-10-31": 1, "2026-11-01": 1}
    weeks = api.get("/api/reports/tickets?from=2026-10-22&to=2026-11-01&period=week").get_json()
    assert counts(weeks) == {"2026-W43": 2, "2026-W44": 3}
    assert weeks["totals"]["by_category"]["problem"] == 5


def test_csv_has_a_line_per_local_month(api, opened):
    response = api.get("/api/reports/tickets?from=2026-09-01&to=2026-11-30&period=month&format=csv")
    lines = response.get_data(as_text=True).splitlines()
    assert [line.split(",")[:2] for line in lines[1:]] == [["2026-10", "5"], ["2026-11", "1"], ["total", "6"]]
