"""Live calls on the supervisor's page in headless Chromium: a caller's escalation words raise an
alert on the page without a reload, and the supervisor opens that call's live transcript (from the
alert or from the agent's row), which follows the call as it is said until it ends. The words are
written as the media service writes them (tests/support/live_talk.py)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sandbox import press
from tests.conftest import sign_in_page
from tests.support.live_talk import LiveTalk

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_supervisor_sees_the_alert_and_follows_the_call(app, center, people, live_server, page, simulator):
    wang = center.agent("王芳", {"inquiry": 4}, status="available", address="client:wangfang")
    people.add("zhao.lead", role="supervisor", name="赵班长")
    sign_in_page(page, live_server.url, "zhao.lead")
    expect(page).to_have_url(re.compile(r"/supervisor$"))
    alerts = page.get_by_test_id("call-alerts")
    expect(alerts).to_contain_text("暂无通话告警")
    expect(page.get_by_test_id("transcript-panel")).to_be_hidden()

    simulator.agent("client:wangfang", answer_after_rings=1, talk_seconds=120)
    call = simulator.call(from_="+8613800138000", inputs=[press("1"), press("1")])  # Chinese, then inquiry
    assert simulator.run_until(lambda: center.agent_status(wang) == "on_call", limit=120)
    row = page.locator(f'#agents tr[data-agent="{wang}"]')
    expect(row.locator(".status-label")).to_have_text("通话中", timeout=8000)

    talk = LiveTalk(app, call.sid)
    talk.say("agent", "您好 这里 是 客服 中心 我 是 王芳")
    talk.say("caller", "再 不 解决 我 就 找 媒体 曝光")
    alert = alerts.locator(f'li[data-kind="escalation"][data-sid="{call.sid}"]')
    expect(alert).to_contain_text("升级风险：客户在通话第", timeout=8000)
    expect(alert).to_contain_text("“媒体”")
    expect(alert).to_contain_text("再不解决我就找媒体曝光")

    alert.get_by_test_id("open-transcript").click()
    panel = page.get_by_test_id("transcript-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("transcript-call")).to_contain_text(call.sid)
    lines = panel.get_by_test_id("transcript-lines").locator("li")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_have_attribute("data-speaker", "agent")
    expect(lines.nth(1)).to_have_text("客户再不解决我就找媒体曝光")
    expect(panel.get_by_test_id("transcript-notices").locator('[data-kind="escalation"]')).to_be_visible()

    talk.say("agent", "非常 理解 您 的 心情", final=False)  # as it is said, then settled
    expect(lines.nth(2)).to_have_attribute("data-final", "false")
    talk.say("agent", "非常 理解 您 的 心情 马上 为 您 处理")
    expect(lines.nth(2)).to_have_attribute("data-final", "true")
    expect(lines.nth(2)).to_have_text("坐席非常理解您的心情马上为您处理")
    talk.end()
    expect(panel.get_by_test_id("transcript-ended")).to_be_visible()

    # The same call from the agent's row, after closing the panel: the whole transcript again.
    panel.get_by_test_id("transcript-close").click()
    expect(panel).to_be_hidden()
    row.get_by_test_id("open-transcript").click()
    expect(lines).to_have_count(3)
    expect(panel.get_by_test_id("transcript-ended")).to_be_visible()
