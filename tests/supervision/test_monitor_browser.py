"""A supervisor monitoring an agent's call from the live page in headless Chromium (issue 16), a
simulated call in conference mode: listen, whisper (a refusal from Twilio said first), leave, and the
same in one click from a live alert. What
the simulated conference did with the supervisor's leg (muted, coaching the agent) is checked."""
from __future__ import annotations

import dataclasses

import pytest
from playwright.sync_api import expect
from tests.conftest import sign_in_page
from tests.support.conference import call_events, in_room, participant
from tests.support.live_talk import LiveTalk

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, routing_conference=True)


def alice_talking_boss_supervising(center, people, simulator):
    """alice on a call in conference mode; the supervisor zhao.lead, whose own phone is boss's address."""
    alice = center.agent("alice", {"inquiry": 4})
    boss = center.agent("boss", {"inquiry": 5}, status="offline")
    people.add("zhao.lead", role="supervisor", name="赵班长", agent_id=boss)
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    simulator.agent("client:boss", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=300)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    return alice, boss, caller


def test_a_supervisor_listens_then_whispers_then_leaves(center, people, simulator, live_server, page, app):
    alice, boss, caller = alice_talking_boss_supervising(center, people, simulator)
    simulator.run(until=simulator.now + 3)

    sign_in_page(page, live_server.url, "zhao.lead")
    row = page.locator(f'#agents tr[data-agent="{alice}"]')
    expect(row.locator(".status-label")).to_have_text("通话中")
    expect(page.locator(f'#agents tr[data-agent="{boss}"] .monitor button')).to_have_count(0)  # not on a call
    state, error = row.locator(".monitor-state"), page.get_by_test_id("monitor-error")
    row.locator(".monitor-listen").click()
    expect(state).to_have_text("您正在监听")
    expect(row.locator(".monitor-listen")).to_be_disabled()
    assert simulator.run_until(lambda: "client:boss" in in_room(simulator, caller.sid), limit=20)
    simulator.run(until=simulator.now + 1)
    boss_leg = participant(simulator, caller.sid, "client:boss")
    assert boss_leg.muted and not boss_leg.coaching  # heard by nobody

    simulator.sandbox.fail_next(status=503, code=20500, message="Service Unavailable", path_contains="Participants")
    row.locator(".monitor-whisper").click()
    expect(error).to_have_text("电话系统暂时未接受该操作，请稍后重试。")
    expect(state).to_have_text("您正在监听")  # read again from the call: nothing changed
    simulator.run(until=simulator.now + 1)
    assert boss_leg.muted

    row.locator(".monitor-whisper").click()
    expect(state).to_have_text("您正在耳语")
    expect(error).to_have_text("")
    simulator.run(until=simulator.now + 1)
    alice_leg = participant(simulator, caller.sid, "client:alice").call.sid
    assert not boss_leg.muted and boss_leg.coach == alice_leg  # only alice hears the supervisor

    row.locator(".monitor-leave").click()
    expect(state).to_have_text("")
    expect(row.locator(".monitor-leave")).to_have_count(0)
    simulator.run(until=simulator.now + 2)
    assert in_room(simulator, caller.sid) == {"caller", "client:alice"}
    used = call_events(app, caller.sid, "monitor_started", "monitor_changed", "monitor_ended")
    assert [(kind, data["mode"], data["by"]) for kind, data in used] == [("monitor_started", "listen", "zhao.lead"),
                                               ("monitor_changed", "whisper", "zhao.lead"),
                                               ("monitor_ended", "whisper", "zhao.lead")]
    simulator.run()
    assert simulator.errors == []


def test_one_click_from_an_alert_listens_then_whispers_with_the_transcript_open(center, people, simulator,
                                                                                 live_server, page, app):
    alice, _, caller = alice_talking_boss_supervising(center, people, simulator)

    sign_in_page(page, live_server.url, "zhao.lead")
    LiveTalk(app, caller.sid).say("caller", "我 要 打 12315 投诉 你们")
    alert = page.get_by_test_id("call-alerts").locator(f'li[data-kind="escalation"][data-sid="{caller.sid}"]')
    expect(alert).to_contain_text("12315", timeout=8000)

    alert.get_by_test_id("alert-listen").click()
    panel = page.get_by_test_id("transcript-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("transcript-lines").locator("li")).to_contain_text(["我要打12315投诉你们"])
    row = page.locator(f'#agents tr[data-agent="{alice}"]')
    expect(row.locator(".monitor-state")).to_have_text("您正在监听")
    assert simulator.run_until(lambda: "client:boss" in in_room(simulator, caller.sid), limit=20)
    simulator.run(until=simulator.now + 1)
    boss_leg = participant(simulator, caller.sid, "client:boss")
    assert boss_leg.muted and not boss_leg.coaching

    alert.get_by_test_id("alert-whisper").click()
    expect(row.locator(".monitor-state")).to_have_text("您正在耳语")
    simulator.run(until=simulator.now + 1)
    assert not boss_leg.muted and boss_leg.coach == participant(simulator, caller.sid, "client:alice").call.sid
    used = call_events(app, caller.sid, "monitor_started", "monitor_changed")
    assert [(kind, data["mode"]) for kind, data in used] == [("monitor_started", "listen"), ("monitor_changed", "whisper")]
