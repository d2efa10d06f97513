"""The night-shift hand-over on the live supervisor page, in a real Chromium (issue 17 item 2): the
day's first supervisor sees last night's urgent case first and acknowledges it; a second supervisor,
reading English, sees by whom and when. The night's call walks the real IVR on a frozen clock."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.conftest import sign_in_page
from tests.support.callers import Caller

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*local) -> datetime:
    return datetime(*local, tzinfo=SHANGHAI).astimezone(timezone.utc)


def urgent_message_at_night(twilio, clock) -> str:
    """Monday 22:00: a caller presses 1 (中文), 4 (urgent), leaves a message and hangs up."""
    clock.set(at(2026, 11, 30, 22, 0))
    caller = Caller(twilio, "CA" + "7" * 32, "+8613800138007")
    caller.dial()
    caller.press("1")
    caller.press("4")
    caller.leave_message("RE" + "7" * 32)
    assert twilio.post("/voice/status", caller.params(CallStatus="completed")).status_code == 204
    return caller.sid


def test_the_first_supervisor_acknowledges_the_night_and_the_next_sees_by_whom(
        app, api, twilio, clock, people, live_server, page, browser):
    sid = urgent_message_at_night(twilio, clock)
    number = api.get(f"/api/calls/{sid}/ticket").get_json()["number"]
    clock.set(at(2026, 12, 1, 9, 0))  # Tuesday, the center opened at 08:30
    people.add("zhao.lead", role="supervisor", name="赵班长")
    people.add("qian.lead", role="supervisor", name="Qian", language="en-US")

    sign_in_page(page, live_server.url, "zhao.lead")
    expect(page).to_have_url(re.compile(r"/supervisor$"))
    panel = page.get_by_test_id("night-log")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("night-log-title")).to_have_text("夜班交接 2026-12-01")
    expect(panel.get_by_test_id("night-log-window")).to_have_text("11-30 20:00 至 12-01 08:30")
    expect(panel.get_by_test_id("night-log-summary")).to_have_text("呼入 1 通 · 留言 1 条 · 紧急 1 件")
    urgent = panel.locator(f'[data-testid="night-log-urgent"] tr[data-number="{number}"]')
    expect(urgent.locator(".category")).to_have_text("紧急")
    expect(urgent.locator(".at")).to_have_text("11-30 22:00")
    expect(urgent.locator(".assignee")).to_have_text("未分配")
    # Urgent cases come first: their table is above the messages'.
    tables = panel.locator("table").evaluate_all("ts => ts.map(t => t.dataset.testid)")
    assert tables == ["night-log-urgent", "night-log-messages"]
    expect(panel.get_by_test_id("night-log-ack-state")).to_have_text("尚未确认")

    clock.set(at(2026, 12, 1, 9, 2))
    panel.get_by_test_id("night-log-ack").click()
    expect(panel.get_by_test_id("night-log-ack-state")).to_have_text("已由 zhao.lead 于 12-01 09:02 确认")
    expect(panel.get_by_test_id("night-log-ack")).to_be_hidden()
    expect(panel).to_have_class(re.compile(r"\backnowledged\b"))

    context = browser.new_context(locale="en-US")
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        sign_in_page(other, live_server.url, "qian.lead")
        later = other.get_by_test_id("night-log")
        expect(later.get_by_test_id("night-log-title")).to_have_text("Night shift hand-over 2026-12-01")
        expect(later.get_by_test_id("night-log-ack-state")).to_have_text("Acknowledged by zhao.lead at 12-01 09:02")
        expect(later.get_by_test_id("night-log-ack")).to_be_hidden()
        expect(later.locator(f'[data-testid="night-log-urgent"] tr[data-number="{number}"] .category')) \
            .to_have_text("Urgent")
    finally:
        context.close()


def test_a_quiet_night_says_so(app, clock, people, live_server, page):
    clock.set(at(2026, 12, 2, 9, 0))
    people.add("zhao.lead", role="supervisor")
    sign_in_page(page, live_server.url, "zhao.lead")
    panel = page.get_by_test_id("night-log")
    expect(panel.get_by_test_id("night-log-summary")).to_have_text("夜间无来电")
    expect(panel.get_by_test_id("night-log-urgent")).to_contain_text("夜间无紧急情况")
    expect(panel.get_by_test_id("night-log-messages")).to_contain_text("夜间无留言")
    panel.get_by_test_id("night-log-ack").click()
    expect(panel.get_by_test_id("night-log-ack-state")).to_contain_text("已由 zhao.lead")
