"""Every calendar the validator accepts files a voicemail's ticket with due times (issue 17, item 8):
a center with no working day at all, and a year of holidays, once lost the ticket to an overflow."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from tests.tickets.conftest import ticket_of_call

NO_WORKING_DAY = "business_hours: {}\nnight_shift: \"00:00-24:00\"\nholidays: []\nworkdays: []\n"
A_YEAR_OF_HOLIDAYS = "business_hours: {mon: \"09:00-18:00\", tue: \"09:00-18:00\", wed: \"09:00-18:00\", " \
    "thu: \"09:00-18:00\", fri: \"09:00-18:00\"}\nnight_shift: \"18:00-09:00\"\nholidays: [{days}]\n"


def _year_of_holidays() -> str:
    from datetime import date, timedelta

    days = ", ".join(str(date(2026, 11, 1) + timedelta(days=i)) for i in range(420))
    return A_YEAR_OF_HOLIDAYS.replace("{days}", days)


@pytest.fixture(params=["no working day", "a year of holidays"])
def settings(request, settings, tmp_path):
    path = tmp_path / "odd-calendar.yaml"
    path.write_text(NO_WORKING_DAY if request.param == "no working day" else _year_of_holidays(), encoding="utf-8")
    return dataclasses.replace(settings, calendar_path=path)


@pytest.mark.parametrize("priority", [1, 3, 5])
def test_a_voicemail_and_a_call_are_filed_with_due_times_on_any_calendar(app, api, phone, clock, caplog, priority):
    clock.set(datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc))  # 22:00 in Shanghai
    sid = phone.call("+8613700137000")
    phone.voicemail(sid, language="zh-CN")
    number = ticket_of_call(app, sid)
    assert number is not None, "the voicemail's ticket was lost"
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["sla"]["response_due"] and ticket["sla"]["resolution_due"]
    routed = phone.call("+8613700137001")
    phone.routed(routed, category="problem", priority=priority)
    other = api.get(f"/api/tickets/{ticket_of_call(app, routed)}").get_json()
    assert other["sla"]["response_due"] and other["sla"]["resolution_due"]
    assert "no working day" in caplog.text  # the fallback to calendar days is said, not silent
