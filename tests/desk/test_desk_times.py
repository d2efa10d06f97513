"""The desk reads a ticket's promise on the call center's clock: in the scripts the agent reads
out (worded as the customer's SMS) and in the page, whatever zone the agent's browser is in."""
import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.conftest import page_token, sign_in, sign_in_page

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "answers the call by posting the direct Dial's whisper by hand; the times shown do not depend on the "
    "mode")


SID = "CA" + "6" * 32
OPENED = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)  # Monday 30 Nov, 01:00 in Shanghai


@DIRECT_DIAL
def test_the_promise_on_the_desk_is_the_one_the_customer_was_texted(app, people, client, switchboard, clock):
    clock.set(OPENED)
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent, name="王芳")
    sign_in(client, "wang.fang")
    csrf = {"X-CSRF-Token": page_token(client, "/desk")}
    assert 'data-timezone="Asia/Shanghai"' in client.get("/desk").get_data(as_text=True)

    params = switchboard.caller_through_ivr(SID, "+8613800138000")
    switchboard.answer(switchboard.route(SID, params).find("Dial"), params)
    ticket = client.get(f"/desk/agents/{agent}/state").get_json()["call"]["ticket"]
    # Routine: three working days on, at closing time: Thursday 3 Dec, 20:00 in Shanghai.
    changed = client.patch(f"/api/tickets/{ticket['number']}", json={"version": ticket["version"],
                                                                      "priority": "routine"}, headers=csrf)
    assert changed.status_code == 200, changed.get_json()

    state = client.get(f"/desk/agents/{agent}/state").get_json()
    assert datetime.fromisoformat(state["call"]["ticket"]["sla"]["promised_at"]) == \
        datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
    phrases = [p for script in state["scripts"] for p in script["phrases"]]
    assert any("我会在12月3日 20:00前给您明确的答复" in p for p in phrases), phrases


@DIRECT_DIAL
@pytest.mark.browser
@pytest.mark.slow
def test_an_agent_whose_browser_is_in_new_york_reads_shanghai_time(live_server, browser, people, client, switchboard,
                                                                  clock):
    clock.set(OPENED)
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent, name="王芳")
    params = switchboard.caller_through_ivr(SID, "+8613800138000")
    switchboard.answer(switchboard.route(SID, params).find("Dial"), params)
    sign_in(client, "wang.fang")
    ticket = client.get(f"/desk/agents/{agent}/state").get_json()["call"]["ticket"]
    client.patch(f"/api/tickets/{ticket['number']}", json={"version": ticket["version"], "priority": "routine"},
                 headers={"X-CSRF-Token": page_token(client, "/desk")})

    context = browser.new_context(locale="zh-CN", timezone_id="America/New_York")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in_page(page, live_server.url, "wang.fang")
        # 20:00 in Shanghai; the browser's own clock would say 07:00.
        expect(page.get_by_test_id("ticket-promised")).to_have_text(re.compile(r"12\D+03\D+20:00"))
    finally:
        context.close()
