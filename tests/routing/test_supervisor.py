"""The supervisor page in a real Chromium: queues and agents live, and today's service level."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import fill_sign_in, page_token, sign_in, sign_in_page


@pytest.mark.browser
@pytest.mark.slow
def test_supervisor_page_shows_queues_agents_and_updates_live(center, api, people, live_server, page):
    wang = center.agent("王芳", {"inquiry": 4}, status="break", address="+8613800000001")
    center.enter("inquiry")
    people.add("zhao.lead", role="supervisor", name="赵班长")
    sign_in_page(page, live_server.url, "zhao.lead")
    expect(page).to_have_url(re.compile(r"/supervisor$"))  # a supervisor's home page
    expect(page.get_by_test_id("who")).to_contain_text("赵班长")
    expect(page.locator('#queues tr[data-queue="inquiry"] .waiting')).to_have_text("1")
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .status')).to_have_text("break")
    expect(page.locator("#offered")).to_have_text("1")
    api.patch(f"/api/agents/{wang}", {"status": "available"})  # reserved at once for the waiting caller
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .status')).to_have_text("reserved", timeout=8000)
    expect(page.locator('#queues tr[data-queue="inquiry"] .waiting')).to_have_text("0")
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .missed')).to_have_text("0")


@pytest.mark.browser
@pytest.mark.slow
def test_supervisor_page_counts_missed_offers(center, people, live_server, page):
    wang = center.agent("wang", {"inquiry": 5}, address="+8613800000001")
    center.agent("li", {"inquiry": 3}, address="+8613800000002")
    sid, doc = center.enter("inquiry")
    center.post(doc.find("Dial").get("action"), sid, DialCallStatus="no-answer")
    people.add("boss", role="admin")
    page.goto(f"{live_server.url}/supervisor")
    expect(page).to_have_url(re.compile(r"/signin\?next=/supervisor$"))  # a stranger signs in first
    fill_sign_in(page, "boss")
    expect(page).to_have_url(re.compile(r"/supervisor$"))
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .missed')).to_have_text("1")
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .status')).to_have_text("missed")


@pytest.mark.browser
@pytest.mark.slow
def test_an_agent_is_refused_the_supervisor_page(center, people, live_server, page):
    agent = center.agent("wang", {"inquiry": 5})
    people.add("wang.fang", agent_id=agent)
    sign_in_page(page, live_server.url, "wang.fang")
    expect(page).to_have_url(re.compile(r"/desk$"))
    response = page.goto(f"{live_server.url}/supervisor")
    assert response.status == 403
    expect(page.get_by_test_id("refused")).to_be_visible()
    response = page.goto(f"{live_server.url}/supervisor/live.json")
    assert response.status == 403


def test_the_supervisor_page_over_http(people, client):
    page = client.get("/supervisor")
    assert page.status_code == 302 and page.headers["Location"] == "/signin?next=/supervisor"
    live = client.get("/supervisor/live.json", headers={"Accept": "application/json"})
    assert live.status_code == 401 and live.get_json()["error"] == "sign in first"
    assert client.get("/supervisor?token=anything").status_code == 302  # no token sign-in any more
    people.add("zhao.lead", role="supervisor")
    assert sign_in(client, "zhao.lead").headers["Location"] == "/supervisor"
    assert client.get("/supervisor/live.json").get_json()["queues"]
    assert 'action="/signout"' in client.get("/supervisor").get_data(as_text=True)
    client.post("/signout", data={"csrf_token": page_token(client, "/supervisor")})
    assert client.get("/supervisor").status_code == 302
