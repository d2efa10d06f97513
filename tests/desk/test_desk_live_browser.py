"""The live call on the agent's desk in headless Chromium: the words arrive by speaker as they are
said (a partial replaced by its final phrase) without a reload, the caller's complaint switches the
script tab to the upset-caller phrases, a spoken card number shows only redacted, the missing
greeting is recalled, and the ticket number the caller reads out opens in the ticket panel. The
words are written as the media service writes them (agent assist into the call's Redis stream:
tests/support/live_talk.py)."""
import re

import pytest
from playwright.sync_api import expect

from sandbox import press
from tests.conftest import sign_in, sign_in_page
from tests.support.live_talk import LiveTalk

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "the simulated agent ends the call by hanging up (in conference mode that returns the caller to the "
    "line); the desk in conference mode: tests/desk/test_call_controls_browser.py")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHINESE_DIGITS = dict(zip("0123456789", "零幺二三四五六七八九"))


def read_out(number: str) -> str:
    """A GD number as a caller reads it: the digits in Chinese, in groups of four ("二零二六 幺二 ...")."""
    digits = "".join(CHINESE_DIGITS[d] for d in number.removeprefix("GD"))
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def desk_phase(client, agent: int) -> str:
    return client.get(f"/desk/agents/{agent}/state").get_json()["phase"]


@DIRECT_DIAL
def test_the_live_call_on_the_desk(app, api, live_server, page, people, switchboard, simulator, client):
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent, name="王芳")
    people.add("watcher", role="supervisor")
    sign_in(client, "watcher")
    switchboard.customer("+8613800138000", "李", "ms", "李雪")
    earlier = api.post("/api/tickets", {"phone": "+8613800138000", "category": "problem", "assignee_id": agent,
                                        "description": "宽带反复断线"})
    assert earlier.status_code == 201, earlier.get_json()
    earlier = earlier.get_json()["number"]
    sign_in_page(page, live_server.url, "wang.fang")
    simulator.agent("client:wang", answer_after_rings=1, talk_seconds=120)
    call = simulator.call(from_="+8613800138000", inputs=[press("1")])
    assert simulator.run_until(lambda: desk_phase(client, agent) == "live", limit=120)
    expect(page.get_by_test_id("phase")).to_have_text("通话中")
    own_ticket = page.get_by_test_id("ticket-number").inner_text()
    assert own_ticket.startswith("GD") and own_ticket != earlier
    transcript = page.get_by_test_id("live-transcript")
    expect(page.get_by_test_id("live")).to_be_hidden()  # nothing said yet

    talk = LiveTalk(app, call.sid)
    talk.say("agent", "喂 请 讲")
    talk.say("caller", "我 要", final=False)
    expect(transcript.locator("li")).to_have_count(2)
    caller = transcript.locator('li[data-speaker="caller"]')
    expect(caller).to_have_attribute("data-final", "false")
    expect(caller).to_have_text("客户我要")
    expect(transcript.locator('li[data-speaker="agent"]')).to_have_text("坐席喂请讲")

    talk.say("caller", "我 要 投诉 你们")  # the final phrase replaces the partial in place
    expect(caller).to_have_attribute("data-final", "true")
    expect(caller).to_have_text("客户我要投诉你们")
    expect(transcript.locator("li")).to_have_count(2)
    notices = page.get_by_test_id("live-notices")
    expect(notices.locator('[data-kind="complaint"]')).to_contain_text("客户提到“投诉”")
    expect(page.get_by_test_id("script-tabs").locator(".active")).to_have_text("客户情绪激动")
    expect(page.get_by_test_id("script-phrases")).to_contain_text("非常理解您现在的心情")

    talk.say("caller", "卡号 是 6222 0202 0000 1234 567")
    expect(transcript.locator('li[data-speaker="caller"]').last).to_have_text("客户卡号是[卡号]")
    expect(notices.locator('[data-kind="redacted"]')).to_have_text("客户说出了银行卡号，转写中已隐去。")

    talk.say("agent", "好的", agent_heard_until=16.0)  # 15 s of the agent's audio and no greeting
    expect(notices.locator('[data-kind="greeting_missing"]')).to_contain_text("15 秒内未听到开场问候")

    talk.say("caller", f"上次 的 工单 {read_out(earlier)}")
    expect(page.get_by_test_id("ticket-number")).to_have_text(earlier)
    expect(page.get_by_test_id("ticket-description")).to_have_text("宽带反复断线")
    expect(notices.locator('[data-kind="ticket_number"]')).to_have_text(f"客户提到工单 {earlier}，已在工单栏打开。")
    page.wait_for_timeout(1500)  # polls come and go: the ticket the caller named stays open
    expect(page.get_by_test_id("ticket-number")).to_have_text(earlier)
    # It is worked like the call's own: a note saved goes to the ticket the caller named.
    page.get_by_test_id("ticket-note").fill("客户来电催办")
    page.get_by_test_id("ticket-save").click()
    expect(page.get_by_test_id("ticket-message")).to_have_text("已保存")
    expect(page.get_by_test_id("ticket-notes")).to_contain_text("客户来电催办")
    assert [e["data"]["text"] for e in api.get(f"/api/tickets/{earlier}").get_json()["events"]
            if e["kind"] == "note"] == ["客户来电催办"]

    assert "6222" not in page.locator("body").inner_text()
    talk.end()
    simulator.run()
    expect(page.get_by_test_id("phase")).to_have_text("话后整理")
    expect(transcript.locator("li")).to_have_count(5)  # the transcript stays for the wrap-up
    expect(page.get_by_test_id("script-tabs").locator(".active")).to_have_text(re.compile("总结与结束"))
