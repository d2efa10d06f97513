"""The desk's call controls in headless Chromium (issue 16), a simulated call in conference mode: hold
and resume with the time on hold, mute, a refused transfer and a refused hold said in the agent's
language, then a warm transfer to a colleague whose desk pops the call with the note, completed.
What the simulated conference did (who is held, muted, in the room) is checked, not only the page."""
from __future__ import annotations

import dataclasses
import re

import pytest
from playwright.sync_api import expect
from tests.conftest import sign_in, sign_in_page
from tests.support.conference import call_events, in_room, participant

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, routing_conference=True)


def test_hold_mute_and_a_warm_transfer_from_the_desk(live_server, page, browser, people, switchboard, simulator,
                                                     app, api):
    alice = switchboard.agent("alice", status="available")
    bob = switchboard.agent("bob", status="break")
    people.add("li.na", agent_id=alice, name="李娜")
    people.add("wang.qiang", agent_id=bob, name="王强")
    sign_in_page(page, live_server.url, "li.na")
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    simulator.agent("client:bob", answer_after_rings=2, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=400)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    simulator.run(until=simulator.now + 3)

    message, error = page.get_by_test_id("ctl-message"), page.get_by_test_id("ctl-error")
    expect(page.get_by_test_id("call-controls")).to_be_visible()
    expect(page.get_by_test_id("ctl-resume")).to_be_hidden()

    # Twilio refusing the change is said plainly; nothing is recorded and the caller is not held.
    simulator.sandbox.fail_next(status=503, code=20500, message="Service Unavailable", path_contains="Participants")
    page.get_by_test_id("ctl-hold").click()
    expect(error).to_have_text("电话系统暂时未接受该操作，请稍后重试。")
    simulator.run(until=simulator.now + 1)
    assert not participant(simulator, caller.sid, "caller").hold
    assert call_events(app, caller.sid, "hold_started") == []

    page.get_by_test_id("ctl-hold").click()
    expect(message).to_have_text("客户已保持。")
    expect(error).to_have_text("")
    simulator.run(until=simulator.now + 30)
    assert participant(simulator, caller.sid, "caller").hold
    expect(page.get_by_test_id("ctl-held")).to_have_text(re.compile(r"^客户保持中 0:3\d$"))  # the server's clock
    page.get_by_test_id("ctl-resume").click()
    expect(message).to_have_text("已恢复通话。")
    expect(page.get_by_test_id("ctl-held")).to_be_hidden()
    simulator.run(until=simulator.now + 1)
    assert not participant(simulator, caller.sid, "caller").hold
    [(_, resumed)] = call_events(app, caller.sid, "hold_ended")
    assert 30 <= resumed["seconds"] <= 40 and resumed["by"] == "li.na"

    page.get_by_test_id("ctl-mute").click()
    expect(page.get_by_test_id("ctl-muted")).to_be_visible()
    simulator.run(until=simulator.now + 1)
    assert participant(simulator, caller.sid, "client:alice").muted
    page.get_by_test_id("ctl-unmute").click()
    expect(page.get_by_test_id("ctl-muted")).to_be_hidden()
    simulator.run(until=simulator.now + 1)
    assert not participant(simulator, caller.sid, "client:alice").muted

    # Bob is free; the list of colleagues is read when the agent picks "a free colleague".
    assert api.patch(f"/api/agents/{bob}", {"status": "available"}).status_code == 200
    form = page.get_by_test_id("transfer-form")
    page.get_by_test_id("ctl-mode-warm").check()
    expect(page.get_by_test_id("ctl-target-kind")).to_have_value("queue")  # warm to a queue: its best free agent
    page.get_by_test_id("ctl-target-kind").select_option("agent_id")
    expect(page.get_by_test_id("ctl-target")).to_have_value(str(bob))
    expect(page.get_by_test_id("ctl-target")).to_contain_text("bob")
    # Taken meanwhile: routing refuses (409) and the desk says why.
    assert api.patch(f"/api/agents/{bob}", {"status": "break"}).status_code == 200
    page.get_by_test_id("ctl-note").fill("宽带断了三天，要求赔偿")
    page.get_by_test_id("ctl-transfer").click()
    expect(error).to_have_text("无法转接：此通话已有转接在进行，或所选同事已不空闲。")
    expect(page.get_by_test_id("ctl-note")).to_have_value("宽带断了三天，要求赔偿")  # kept for the next try

    assert api.patch(f"/api/agents/{bob}", {"status": "available"}).status_code == 200
    page.get_by_test_id("ctl-transfer").click()
    expect(page.get_by_test_id("ctl-warm-state")).to_have_text("正在呼叫同事，客户保持中…")
    expect(form).to_be_hidden()
    expect(page.get_by_test_id("ctl-complete")).to_be_disabled()  # bob's phone still rings
    simulator.run(until=simulator.now + 2)
    assert participant(simulator, caller.sid, "caller").hold

    bob_context = browser.new_context(locale="zh-CN")
    try:
        bob_page = bob_context.new_page()
        bob_page.set_default_timeout(10_000)
        sign_in_page(bob_page, live_server.url, "wang.qiang")
        assert simulator.run_until(lambda: "client:bob" in in_room(simulator, caller.sid), limit=20)
        simulator.run(until=simulator.now + 1)
        expect(bob_page.get_by_test_id("phase")).to_have_text("通话中")
        expect(bob_page.get_by_test_id("pop-transfer")).to_have_text("由 li.na 转接：宽带断了三天，要求赔偿")
        expect(bob_page.get_by_test_id("ctl-warm-state")).to_have_text("同事正在向您转接此通话，客户保持中。")
        expect(page.get_by_test_id("ctl-warm-state")).to_have_text("同事已接通：可完成转接、三方通话或取消。")
        page.get_by_test_id("ctl-complete").click()
        expect(page.get_by_test_id("phase")).to_have_text("话后整理")
        expect(page.get_by_test_id("call-controls")).to_be_hidden()
        simulator.run(until=simulator.now + 3)
        assert in_room(simulator, caller.sid) == {"caller", "client:bob"}
        assert not participant(simulator, caller.sid, "caller").hold
        expect(bob_page.get_by_test_id("ctl-warm")).to_be_hidden()
        expect(bob_page.get_by_test_id("ctl-hold")).to_be_visible()
        expect(bob_page.get_by_test_id("transfer-form")).to_be_visible()
    finally:
        bob_context.close()
    kinds = [k for k, _ in call_events(app, caller.sid, "hold_started", "hold_ended", "muted", "unmuted", "transfer",
                                  "transfer_connected", "transfer_completed")]
    assert kinds == ["hold_started", "hold_ended", "muted", "unmuted", "hold_started", "transfer",
                     "transfer_connected", "hold_ended", "transfer_completed"]
    simulator.run()
    assert simulator.errors == []


def test_a_cold_transfer_to_a_queue_in_english(live_server, page, browser, people, switchboard, simulator, client):
    alice = switchboard.agent("alice", {"inquiry": 3}, status="available")
    bob = switchboard.agent("bob", {"complaint": 3}, status="available")
    people.add("jack", agent_id=alice)
    people.add("watcher", role="supervisor")
    sign_in(client, "watcher")
    sign_in_page(page, live_server.url, "jack")
    page.get_by_test_id("language").select_option("en-US")
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=300)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    simulator.run(until=simulator.now + 3)

    expect(page.get_by_test_id("ctl-hold")).to_have_text("Hold")
    expect(page.get_by_test_id("ctl-target-kind")).to_have_value("queue")
    page.get_by_test_id("ctl-target").select_option("complaint")
    expect(page.get_by_test_id("ctl-target")).to_contain_text("Complaint")
    page.get_by_test_id("ctl-target-kind").select_option("department")
    expect(page.get_by_test_id("ctl-target")).to_contain_text("Technical")  # tickets/departments.yaml
    page.get_by_test_id("ctl-target-kind").select_option("queue")
    page.get_by_test_id("ctl-target").select_option("complaint")
    page.get_by_test_id("ctl-note").fill("Wants compensation for three days offline")
    page.get_by_test_id("ctl-transfer").click()
    expect(page.get_by_test_id("phase")).to_have_text("Wrap-up")  # a cold transfer: alice's part is over
    expect(page.get_by_test_id("call-controls")).to_be_hidden()
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:bob"}, limit=60)
    simulator.run(until=simulator.now + 1)
    pop = client.get(f"/desk/agents/{bob}/state").get_json()
    assert pop["phase"] == "live" and pop["call"]["sid"] == caller.sid
    assert pop["call"]["transfer"]["note"] == "Wants compensation for three days offline"
    assert pop["control"]["transfer"] is None  # a cold transfer is over once it is made
    simulator.run()
    assert simulator.errors == []
