"""The desk's softphone in headless Chromium. Sandbox mode, a simulated call in conference mode: the
offered call rings in the page and is answered there, a line said into it, held, and transferred to
a colleague who answers in their own desk's softphone and sees the screen pop with the note; the
colleague's browser then drops mid-call and the caller is not dropped. And the talk and hold timers
survive a reload, read from the server's times. What the simulated call did is checked, not only the
pages. On Twilio (unreachable here): the vendored Voice SDK runs with a token for the agent."""
from __future__ import annotations

import dataclasses
import re
import time

import pytest
from playwright.sync_api import expect
from tests.conftest import sign_in_page
from tests.support.conference import call_events, in_room, participant

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, routing_conference=True)


def leg_to(simulator, address: str):
    return [c for c in simulator.calls if c.to == address][-1]


def until_the_page_acted(simulator, predicate, seconds: float = 10.0) -> bool:
    """Run the simulator in small steps until `predicate` holds: a request a page sends on its own
    (leaving) reaches the sandbox in real time, while the simulator's time only moves when run."""
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        simulator.run(until=simulator.now + 0.1)
        time.sleep(0.05)
    return predicate()


def talk(simulator, seconds: float) -> None:
    """Let `seconds` of conversation pass. The app's clock follows the simulator at each webhook, and
    a conversation sends none: the clock is set to the simulated time for the desk to read."""
    simulator.run(until=simulator.now + seconds)
    simulator.transport.sync_clock(simulator.now)


def test_answer_hold_and_transfer_in_the_softphone_then_a_browser_drops(live_server, page, browser, people,
                                                                          switchboard, simulator, app, api):
    alice = switchboard.agent("alice", status="available")
    bob = switchboard.agent("bob", status="break")
    people.add("li.na", agent_id=alice, name="李娜")
    people.add("wang.qiang", agent_id=bob, name="王强")
    sign_in_page(page, live_server.url, "li.na")
    expect(page.get_by_test_id("sp-status")).to_have_text("网页软电话已就绪（沙盒）：来电将在此振铃。")

    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=900)
    simulator.run(until=simulator.now + 4)
    assert leg_to(simulator, "client:alice").status == "ringing"  # rings until the page answers
    expect(page.get_by_test_id("sp-incoming")).to_be_visible()
    expect(page.get_by_test_id("phase")).to_have_text("来电振铃中")
    page.get_by_test_id("sp-answer").click()
    expect(page.get_by_test_id("sp-status")).to_have_text("已接听。")
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=10)
    talk(simulator, 5)
    expect(page.get_by_test_id("phase")).to_have_text("通话中")
    expect(page.get_by_test_id("sp-incoming")).to_be_hidden()
    expect(page.get_by_test_id("sp-talk")).to_have_text(re.compile(r"^通话 0:0[5-9]$"))  # the server's clock

    page.get_by_test_id("sp-say").fill("您好，请问有什么可以帮您？")
    page.get_by_test_id("sp-say-send").click()
    expect(page.get_by_test_id("sp-status")).to_have_text("已说出。")
    simulator.run(until=simulator.now + 1)
    assert leg_to(simulator, "client:alice").spoken == ["您好，请问有什么可以帮您？"]

    page.get_by_test_id("ctl-hold").click()
    expect(page.get_by_test_id("ctl-message")).to_have_text("客户已保持。")
    simulator.run(until=simulator.now + 20)
    assert participant(simulator, caller.sid, "caller").hold
    expect(page.get_by_test_id("ctl-held")).to_have_text(re.compile(r"^客户保持中 0:2\d$"))
    expect(page.get_by_test_id("sp-talk")).to_have_text(re.compile(r"^通话 0:[23]\d$"))

    bob_context = browser.new_context(locale="zh-CN")
    bob_page = bob_context.new_page()
    bob_page.set_default_timeout(10_000)
    sign_in_page(bob_page, live_server.url, "wang.qiang")
    expect(bob_page.get_by_test_id("sp-status")).to_have_text("网页软电话已就绪（沙盒）：来电将在此振铃。")
    bob_page.get_by_test_id("go-available").click()
    expect(bob_page.get_by_test_id("status")).to_have_text("空闲")

    page.get_by_test_id("ctl-target-kind").select_option("agent_id")
    expect(page.get_by_test_id("ctl-target")).to_have_value(str(bob))
    page.get_by_test_id("ctl-note").fill("宽带断了三天，要求赔偿")
    page.get_by_test_id("ctl-transfer").click()
    expect(page.get_by_test_id("phase")).to_have_text("话后整理")  # a cold transfer: alice's part is over
    simulator.run(until=simulator.now + 3)
    assert leg_to(simulator, "client:bob").status == "ringing"
    expect(bob_page.get_by_test_id("sp-incoming")).to_be_visible()
    expect(bob_page.get_by_test_id("pop-transfer")).to_have_text("由 li.na 转接：宽带断了三天，要求赔偿")
    bob_page.get_by_test_id("sp-answer").click()
    expect(bob_page.get_by_test_id("sp-status")).to_have_text("已接听。")  # the sandbox has it
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:bob"}, limit=10)
    talk(simulator, 2)
    expect(bob_page.get_by_test_id("phase")).to_have_text("通话中")
    expect(bob_page.get_by_test_id("sp-talk")).to_have_text(re.compile(r"^通话 0:0\d$"))  # bob's own segment
    assert not participant(simulator, caller.sid, "caller").hold

    # Bob's browser goes away mid-call: his leg ends as a browser phone's does, and the caller stays
    # on the line and goes back to the head of the queue.
    bob_page.close()
    bob_context.close()
    bob_leg = leg_to(simulator, "client:bob")
    assert until_the_page_acted(simulator, lambda: not bob_leg.alive)
    simulator.run(until=simulator.now + 5)
    assert caller.alive and caller.status == "in-progress"
    assert "client:bob" not in in_room(simulator, caller.sid)
    assert caller.queue == "hotline-inquiry"  # back in line (at its head), not hung up on
    assert [k for k, _ in call_events(app, caller.sid, "hold_started", "transfer")] == ["hold_started", "transfer"]
    assert switchboard.routed(caller.sid).answered_at is not None
    simulator.run()
    assert caller.status == "completed" and caller.duration >= 900
    assert simulator.errors == []


def test_hanging_up_in_the_softphone_ends_the_call_for_the_caller_too(live_server, page, people, switchboard,
                                                                      simulator, app, api):
    # A hang-up on purpose, unlike a dropped page: the caller is not put back in line for bob.
    alice = switchboard.agent("alice", status="available")
    bob = switchboard.agent("bob", status="break")
    people.add("li.na", agent_id=alice, name="李娜")
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    sign_in_page(page, live_server.url, "li.na")
    expect(page.get_by_test_id("sp-status")).to_have_text("网页软电话已就绪（沙盒）：来电将在此振铃。")
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=900)
    simulator.run(until=simulator.now + 4)
    expect(page.get_by_test_id("sp-incoming")).to_be_visible()
    page.get_by_test_id("sp-answer").click()
    expect(page.get_by_test_id("sp-status")).to_have_text("已接听。")  # the sandbox has it
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=10)
    talk(simulator, 5)
    expect(page.get_by_test_id("phase")).to_have_text("通话中")
    assert api.patch(f"/api/agents/{bob}", {"status": "available"}).status_code == 200
    page.get_by_test_id("sp-hangup").click()
    expect(page.get_by_test_id("sp-status")).to_have_text("已挂断。")
    assert until_the_page_acted(simulator, lambda: caller.status == "completed")
    simulator.run(until=simulator.now + 5)
    assert switchboard.offers(caller.sid) == [(alice, "answered")]  # never offered again
    assert [d["agent_id"] for _, d in call_events(app, caller.sid, "ended_by_agent")] == [alice]
    expect(page.get_by_test_id("phase")).to_have_text("话后整理")
    assert simulator.errors == []


def test_talk_and_hold_timers_survive_a_reload(live_server, page, people, switchboard, simulator):
    alice = switchboard.agent("alice", status="available")
    people.add("li.na", agent_id=alice)
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)  # a script answers for her
    sign_in_page(page, live_server.url, "li.na")
    expect(page.get_by_test_id("sp-status")).to_have_text("此坐席的来电由模拟脚本接听。")
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=200)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    talk(simulator, 10)
    expect(page.get_by_test_id("sp-answer")).to_be_hidden()
    page.get_by_test_id("ctl-hold").click()
    expect(page.get_by_test_id("ctl-message")).to_have_text("客户已保持。")
    simulator.run(until=simulator.now + 40)
    page.reload()
    expect(page.get_by_test_id("ctl-held")).to_have_text(re.compile(r"^客户保持中 0:4\d$"))
    expect(page.get_by_test_id("sp-talk")).to_have_text(re.compile(r"^通话 0:5\d$"))
    simulator.run()
    assert simulator.errors == []


def test_on_twilio_the_desk_runs_the_vendored_voice_sdk_with_its_own_token(live_server, page, people, switchboard,
                                                                             app):
    """No Twilio here: the SDK is loaded from hotline, handed a token for the agent's own identity, and
    its failure to reach Twilio is said on the desk (which keeps working without it)."""
    app.config["HOTLINE_SETTINGS"] = dataclasses.replace(
        app.config["HOTLINE_SETTINGS"], telephony="twilio", twilio_api_key_sid="SK" + "2" * 32,
        twilio_api_key_secret="key-secret-for-tests-0123456789abcdef", twilio_twiml_app_sid="AP" + "3" * 32)
    alice = switchboard.agent("alice", status="available")
    people.add("li.na", agent_id=alice)
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    with page.expect_response("**/api/softphone/token") as minted:
        sign_in_page(page, live_server.url, "li.na")
    assert minted.value.status == 200 and minted.value.json()["identity"] == "alice"
    assert any(url.endswith("/desk/static/vendor/twilio-voice/twilio.min.js") for url in scripts)
    assert all(url.startswith(live_server.url) for url in scripts)  # nothing from a CDN
    assert page.evaluate("Twilio.Device.version") == "2.18.5"
    # The SDK's own error (e.g. "ConnectionError (31005)"): it cannot reach Twilio from here.
    expect(page.get_by_test_id("sp-error")).to_have_text(re.compile(r"^操作失败：\w*Error"))
    expect(page.get_by_test_id("status")).to_have_text("空闲")
