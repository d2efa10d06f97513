"""The supervisor page in a real Chromium: queues and agents live, and today's service level."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_supervisor_page_shows_queues_agents_and_updates_live(center, api, live_server, page):
    wang = center.agent("王芳", {"inquiry": 4}, status="break", address="+8613800000001")
    center.enter("inquiry")
    token = api.mint("supervisor")
    page.goto(f"{live_server.url}/supervisor?token={token}")
    assert "token=" not in page.url  # exchanged for a session cookie
    expect(page.locator('#queues tr[data-queue="inquiry"] .waiting')).to_have_text("1")
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .status')).to_have_text("break")
    expect(page.locator("#offered")).to_have_text("1")
    api.patch(f"/api/agents/{wang}", {"status": "available"})  # reserved at once for the waiting caller
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .status')).to_have_text("reserved", timeout=8000)
    expect(page.locator('#queues tr[data-queue="inquiry"] .waiting')).to_have_text("0")
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .missed')).to_have_text("0")


def test_supervisor_page_counts_missed_offers(center, api, live_server, page):
    wang = center.agent("wang", {"inquiry": 5}, address="+8613800000001")
    center.agent("li", {"inquiry": 3}, address="+8613800000002")
    sid, doc = center.enter("inquiry")
    center.post(doc.find("Dial").get("action"), sid, DialCallStatus="no-answer")
    page.goto(f"{live_server.url}/supervisor?token={api.mint('supervisor')}")
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .missed')).to_have_text("1")
    expect(page.locator(f'#agents tr[data-agent="{wang}"] .status')).to_have_text("missed")


def test_supervisor_page_needs_a_supervisor(api, live_server, page):
    response = page.goto(f"{live_server.url}/supervisor")
    assert response.status == 401
    response = page.goto(f"{live_server.url}/supervisor?token={api.mint('agent')}")
    assert response.status == 403
    response = page.goto(f"{live_server.url}/supervisor/live.json")
    assert response.status == 401
    assert re.search("not signed in", page.content())
