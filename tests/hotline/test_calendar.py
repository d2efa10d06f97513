"""The shipped calendar holds the State Council's 2026 list and 2027's statutory days (provisional),
and `hotline calendar import` loads a year from a simple file (issue 17, item 8)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from hotline.calendar import load_calendar
from hotline.calendar_cli import calendar_cli
from hotline.calendar_import import CalendarImportError, apply_year, parse_year_file

SH = ZoneInfo("Asia/Shanghai")


def _days(first: str, last: str) -> set[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return {a + timedelta(days=i) for i in range((b - a).days + 1)}


# 国务院办公厅关于2026年部分节假日安排的通知 (the same 33 + 6 days as chinesecalendar 1.11.0 lists).
HOLIDAYS_2026 = (_days("2026-01-01", "2026-01-03") | _days("2026-02-15", "2026-02-23")
                 | _days("2026-04-04", "2026-04-06") | _days("2026-05-01", "2026-05-05")
                 | _days("2026-06-19", "2026-06-21") | _days("2026-09-25", "2026-09-27")
                 | _days("2026-10-01", "2026-10-07"))
WORKDAYS_2026 = {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
                 date(2026, 10, 10)}
# 全国年节及纪念日放假办法: 元旦 1, 春节 4 (除夕 to 初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3.
STATUTORY_2027 = ({date(2027, 1, 1)} | _days("2027-02-05", "2027-02-08") | {date(2027, 4, 5)}
                  | _days("2027-05-01", "2027-05-02") | {date(2027, 6, 9), date(2027, 9, 15)}
                  | _days("2027-10-01", "2027-10-03"))


def test_the_shipped_calendar_has_the_state_councils_2026_list_and_2027_provisional():
    calendar = load_calendar()
    assert {d for d in calendar.holidays if d.year == 2026} == HOLIDAYS_2026 and len(HOLIDAYS_2026) == 33
    assert {d for d in calendar.workdays if d.year == 2026} == WORKDAYS_2026
    assert all(d.weekday() >= 5 for d in WORKDAYS_2026)  # make-up days fall on weekends
    assert {d for d in calendar.holidays if d.year == 2027} == STATUTORY_2027 and len(STATUTORY_2027) == 13
    assert calendar.provisional == {2027}
    assert calendar.is_provisional(date(2027, 2, 6)) and not calendar.is_provisional(date(2026, 2, 17))
    # Sunday 2026-09-20 is worked (国庆调休), with the weekday's hours.
    assert calendar.is_working_day(date(2026, 9, 20))
    assert calendar.is_business_hours(datetime(2026, 9, 20, 10, 0, tzinfo=SH))
    assert not calendar.is_business_hours(datetime(2026, 2, 18, 10, 0, tzinfo=SH))  # 春节
    assert calendar.is_night_shift(datetime(2026, 2, 18, 10, 0, tzinfo=SH))


def test_three_working_days_skip_the_spring_festival_and_count_its_make_up_saturday():
    calendar = load_calendar()
    friday = datetime(2026, 2, 13, 10, 0, tzinfo=SH)
    # Sat 14 is worked (调休): 1; 15-23 closed; Tue 24: 2; Wed 25: 3.
    assert calendar.add_working_days(friday, 3) == datetime(2026, 2, 25, 10, 0, tzinfo=SH)
    before_qingming = datetime(2026, 4, 3, 10, 0, tzinfo=SH)  # Friday; Sat 4 - Mon 6 closed
    assert calendar.add_working_days(before_qingming, 1) == datetime(2026, 4, 7, 10, 0, tzinfo=SH)


NOTICE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知 (a made-up one for the test)
holiday 2027-01-01..2027-01-03 元旦
holiday 2027-02-05..2027-02-12 春节
workday 2027-02-20              春节调休
休 2027-04-05 清明节
班 2027-05-08 劳动节调休
"""


def test_a_year_file_replaces_that_year_and_keeps_every_other_line():
    shipped = (load_calendar.__globals__["DEFAULT_CALENDAR_PATH"]).read_text(encoding="utf-8")
    text = apply_year(shipped, parse_year_file(NOTICE_2027, "2027.txt"), "calendar.yaml")
    assert "provisional: []" in text and "2027-02-20,  # 春节调休" in text
    assert "2027-10-01" not in text  # the provisional statutory days are replaced, not merged
    kept = [line for line in shipped.splitlines() if "2027" not in line and not line.startswith("provisional")]
    assert all(line in text.splitlines() for line in kept)  # every 2026 line and comment as it was


def test_the_import_command_writes_the_calendar_every_process_reads(tmp_path, monkeypatch):
    calendar_file = tmp_path / "calendar.yaml"
    calendar_file.write_text((load_calendar.__globals__["DEFAULT_CALENDAR_PATH"]).read_text(encoding="utf-8"),
                             encoding="utf-8")
    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    monkeypatch.setenv("CALENDAR_PATH", str(calendar_file))
    monkeypatch.setenv("HOTLINE_INSTANCE_DIR", str(tmp_path))
    result = CliRunner().invoke(calendar_cli, ["import", str(notice)])
    assert result.exit_code == 0, result.output
    assert "2027: 12 holiday(s), 2 make-up working day(s) written to" in result.output
    calendar = load_calendar(calendar_file)
    assert calendar.provisional == frozenset()
    assert date(2027, 2, 12) in calendar.holidays and date(2027, 2, 20) in calendar.workdays
    assert {d for d in calendar.holidays if d.year == 2026} == HOLIDAYS_2026
    # Importing the same file again changes nothing.
    once = calendar_file.read_text(encoding="utf-8")
    assert CliRunner().invoke(calendar_cli, ["import", str(notice)]).exit_code == 0
    assert calendar_file.read_text(encoding="utf-8") == once


def test_a_wrong_file_lists_every_problem_as_file_line_field_and_writes_nothing(tmp_path, monkeypatch):
    calendar_file = tmp_path / "calendar.yaml"
    original = (load_calendar.__globals__["DEFAULT_CALENDAR_PATH"]).read_text(encoding="utf-8")
    calendar_file.write_text(original, encoding="utf-8")
    notice = tmp_path / "2027.txt"
    notice.write_text("holiday 2027-01-01 元旦\n"
                      "vacation 2027-02-06 春节\n"
                      "holiday 2027-02-30\n"
                      "holiday 2027-02-10..2027-02-05\n"
                      "holiday 2028-01-01 next year\n"
                      "workday 2027-02-09 a Tuesday\n"
                      "holiday 2027-01-01 twice\n"
                      "holiday 2027-03-01..2027-06-01 a slip\n"
                      "2027-05-01\n", encoding="utf-8")
    monkeypatch.setenv("CALENDAR_PATH", str(calendar_file))
    monkeypatch.setenv("HOTLINE_INSTANCE_DIR", str(tmp_path))
    result = CliRunner().invoke(calendar_cli, ["import", str(notice)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    where = str(notice)
    assert errors == [
        f"error: {where}:2: kind: expected holiday or workday (休 / 班), got 'vacation'",
        f"error: {where}:3: date: expected a date like 2027-01-01 or a range 2027-01-01..2027-01-03, got '2027-02-30'",
        f"error: {where}:4: date: the range ends (2027-02-05) before it starts (2027-02-10)",
        f"error: {where}:5: date: 2028-01-01 is not in 2027 (one year a file, the first date's)",
        f"error: {where}:6: date: 2027-02-09 is a Tuesday; a make-up working day (调休) falls on a weekend",
        f"error: {where}:7: date: 2027-01-01 is already listed on line 1",
        f"error: {where}:8: date: 93 days in one range; at most 31 (split it if it is meant)",
        f"error: {where}:9: line: expected `holiday|workday DATE[..DATE] [name]`, got '2027-05-01'",
    ]
    assert calendar_file.read_text(encoding="utf-8") == original


def test_an_empty_file_and_a_calendar_the_import_cannot_edit_are_refused():
    with pytest.raises(CalendarImportError) as empty:
        parse_year_file("# nothing yet\n", "2027.txt")
    assert empty.value.problems == ["2027.txt:1: file: no holidays or working days listed"]
    one_line = "business_hours: {mon: \"09:00-18:00\"}\nholidays: [2026-01-01, 2027-01-01]\n"
    with pytest.raises(CalendarImportError) as refused:
        apply_year(one_line, parse_year_file("holiday 2027-01-01\n", "f"), "cal.yaml")
    assert refused.value.problems == ["cal.yaml:2: holidays: the whole list is on one line; put one holiday "
                                      "a line (one year a line at least) for the import to edit it"]
    fresh = apply_year("business_hours: {mon: \"09:00-18:00\"}\n", parse_year_file("holiday 2027-01-01 x\n", "f"),
                       "cal.yaml")
    assert fresh.endswith("holidays: [\n  2027-01-01,  # x\n]\nworkdays: []\n")
