"""The live supervisor page in a real Chromium (issue 18 items 2, 5, 6): a call arriving and being
answered without a reload, the day's chart drawn by uPlot with data, the language switch, and one
navigation bar over every supervisor page with agents by name."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import sign_in_page
from tests.support.twiml import twiml

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "answers through the waitUrl's <Leave> into the direct Dial by hand; the live page in conference "
    "mode: tests/supervision/test_monitor_browser.py")


pytestmark = [pytest.mark.browser, pytest.mark.slow]


def painted_pixels(page) -> int:
    """Pixels uPlot painted on its canvas (a blank canvas has none)."""
    return page.evaluate("""() => {
        const canvas = document.querySelector('#day-chart canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
        return painted; }""")


@DIRECT_DIAL
def test_a_call_arrives_and_is_answered_while_the_page_watches(center, people, live_server, page):
    wang = center.agent("王芳", {"inquiry": 4}, status="break", address="client:wangfang")
    people.add("zhao.lead", role="supervisor", name="赵班长")
    sign_in_page(page, live_server.url, "zhao.lead")
    expect(page).to_have_url(re.compile(r"/supervisor$"))  # a supervisor's home page
    expect(page.get_by_test_id("tile-waiting")).to_contain_text("0")
    row = page.locator(f'#agents tr[data-agent="{wang}"]')
    expect(row.locator(".name")).to_have_text("王芳")
    expect(row.locator(".status-label")).to_have_text("小休")
    polls = int(page.locator("body").get_attribute("data-polls"))

    sid, doc = center.enter("inquiry")  # a caller arrives; nobody is free
    caller = page.locator(f'.queue[data-queue="inquiry"] tr[data-call="{sid}"]')
    expect(caller).to_be_visible(timeout=8000)
    expect(caller.locator(".choice")).to_have_text("咨询")
    expect(caller.locator(".language")).to_have_text("中文")
    expect(caller.locator(".wait")).to_have_text(re.compile(r"^0:\d\d$"))
    expect(page.locator("#waiting")).to_have_text("1")
    expect(page.locator("#offered")).to_have_text("1")
    assert int(page.locator("body").get_attribute("data-polls")) > polls  # polled, not reloaded

    center.api.patch(f"/api/agents/{wang}", {"status": "available"})  # reserved at once for the caller
    expect(row.locator(".status-label")).to_have_text("来电振铃", timeout=8000)
    expect(page.locator("#waiting")).to_have_text("0")
    # Twilio asks the waitUrl again, the caller leaves the line and is dialled to 王芳, who picks up.
    assert twiml(center.post(doc.find("Enqueue").get("waitUrl"), sid)).find("Leave") is not None
    dial = twiml(center.post(doc.find("Enqueue").get("action"), sid, QueueResult="leave", QueueTime="5"))
    center.answer(dial.find("Dial"), center.call_params(sid))
    expect(row.locator(".status-label")).to_have_text("通话中", timeout=8000)
    expect(row.locator(".call")).to_have_text("咨询")
    expect(page.locator("#answered")).to_have_text("1")
    expect(page.locator("#service-level")).to_have_text("100.0%")
    expect(page.get_by_test_id("tile-sl")).not_to_have_class(re.compile(r"\boff\b"))


def test_the_days_chart_is_drawn_with_data(center, people, live_server, page, clock):
    center.agent("wang", {"inquiry": 4}, status="break")
    for _ in range(3):
        sid, doc = center.enter("inquiry")
        clock.advance(40)
        twiml(center.post(doc.find("Enqueue").get("action"), sid, QueueResult="hangup"))
    people.add("lead", role="supervisor")
    sign_in_page(page, live_server.url, "lead")
    expect(page.locator("#day-chart canvas")).to_have_count(1)
    offered = page.evaluate("() => window.liveChart.data[1].reduce((a, b) => a + (b || 0), 0)")
    abandoned = page.evaluate("() => window.liveChart.data[3].reduce((a, b) => a + (b || 0), 0)")
    target = page.evaluate("() => window.liveChart.data[5].filter(v => v === 80).length")
    assert (offered, abandoned) == (3, 3) and target > 0
    assert painted_pixels(page) > 500
    expect(page.locator("#day-chart .u-legend")).to_contain_text("放弃")  # the chart's own legend, in Chinese
    # The time axis (drawn on the canvas) and the legend read the center's 24-hour clock: the first
    # half hour is local midnight, whatever the browser's zone (UTC here).
    ticks = page.evaluate("() => liveChart.axes[0].values(liveChart, [liveChart.data[0][0], liveChart.data[0][1]])")
    assert ticks == ["00:00", "00:30"]
    assert page.evaluate("() => liveChart.series[0].value(liveChart, liveChart.data[0][0])") == "00:00"
    # Off target: every caller gave up; the tile is coloured and an alert names the queue.
    expect(page.get_by_test_id("tile-sl")).to_have_class(re.compile(r"\boff\b"))
    expect(page.locator("#alert-list .alert[data-kind=service_level]")).to_have_count(0)  # under 5 offered
    assert page.evaluate("() => typeof uPlot") == "function"
    script = page.locator('script[src*="uPlot.iife.min.js"]').get_attribute("src")
    assert script.startswith("/supervisor/static/vendor/uplot/")  # served by hotline, no CDN


def test_the_language_switch_and_one_navigation(center, people, live_server, page):
    wang = center.agent("王芳", {"inquiry": 4}, status="available", address="client:wangfang")
    people.add("lead", role="supervisor", name="Zhao")
    sign_in_page(page, live_server.url, "lead")
    nav = page.get_by_test_id("nav")
    expect(nav.locator("a")).to_have_text(["实时监控", "日报", "周报", "月度考核", "排班计划", "坐席", "质检"])
    expect(page.locator("h1")).to_have_text("实时监控")

    page.get_by_test_id("language").select_option("en-US")
    expect(page.locator("h1")).to_have_text("Live floor")
    expect(nav.locator("a")).to_have_text(["Live", "Daily", "Weekly", "Scorecard", "Staffing", "Agents", "QA"])
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .status-label')).to_have_text("Available")
    main = page.locator("main").inner_text()
    assert not re.search(r"[\u4e00-\u9fff]", main.replace("王芳", "")), main  # no Chinese but the agent's name
    expect(page.locator("#day-chart .u-legend")).to_contain_text("Abandoned")

    for link, heading in (("Daily", "Daily summary"), ("Weekly", "Weekly report"),
                          ("Scorecard", "Monthly agent scorecard"), ("Staffing", "Staffing plan"),
                          ("Agents", "Agents")):
        nav.get_by_role("link", name=link, exact=True).click()
        expect(page.locator("h1")).to_contain_text(heading)
        expect(nav.locator("a.active")).to_have_text(link)
        if link == "Staffing":  # the plan charted per queue by uPlot, a canvas each
            expect(page.get_by_test_id("staffing-chart-inquiry").locator("canvas")).to_have_count(1)
            expect(page.get_by_test_id("staffing-chart-inquiry").locator(".u-legend")).to_contain_text(
                "Agents needed")
    expect(page.locator(f'#agent-list tr[data-agent="{wang}"] .name')).to_have_text("王芳")
    expect(page.get_by_test_id("agent-list")).not_to_contain_text(f"#{wang}")
    nav.get_by_role("link", name="QA", exact=True).click()
    expect(page).to_have_url(re.compile(r"/qa"))
    expect(nav.locator("a.active")).to_have_text("QA")
