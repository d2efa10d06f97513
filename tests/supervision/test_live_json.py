"""GET /supervisor/live.json: the live page's figures in the reader's language and the center's zone
(issue 18 item 2), through routing's real webhooks and Redis line."""
from __future__ import annotations

import re

from tests.conftest import sign_in
from tests.support.twiml import twiml


def live(client) -> dict:
    response = client.get("/supervisor/live.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_a_waiting_caller_an_agent_and_the_day(center, people, client, clock):
    wang = center.agent("王芳", {"inquiry": 4}, status="break", address="+8613800000001")
    li = center.agent("李明", {"inquiry": 3}, status="available", address="+8613800000002")
    waiting, _ = center.enter("inquiry", language="en-US")  # nobody speaks English: waits
    offered, _ = center.enter("inquiry")  # offered to 李明 at once
    clock.advance(75)
    people.add("zhao.lead", role="supervisor", name="赵班长", language="zh-CN")
    sign_in(client, "zhao.lead")
    data = live(client)

    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", data["as_of"])  # the center's clock, not ISO
    tiles = data["tiles"]
    assert tiles["waiting"] == 1 and tiles["longest_wait"] == "1:15" and tiles["longest_off_target"] is True
    assert {s["status"]: (s["label"], s["count"]) for s in tiles["agents"]} == {"break": ("小休", 1),
                                                                                "reserved": ("来电振铃", 1)}
    assert tiles["offered"] == 2 and tiles["service_level_text"] == "—"  # nobody answered or gave up yet
    inquiry = next(q for q in data["queues"] if q["name"] == "inquiry")
    assert inquiry["label"] == "咨询" and inquiry["waiting"] == 1
    caller = inquiry["callers"][0]
    assert caller["sid"] == waiting and caller["wait"] == "1:15" and caller["language_label"] == "英语"
    assert caller["choice_label"] == "咨询" and caller["long"] is True
    agents = {a["name"]: a for a in data["agents"]}
    assert list(agents) == ["李明", "王芳"] or list(agents) == ["王芳", "李明"]
    assert agents["李明"]["status_label"] == "来电振铃" and agents["李明"]["call"]["queue_label"] == "咨询"
    assert agents["李明"]["in_state"] == "1:15" and agents["王芳"]["call"] is None
    assert [a["kind"] for a in data["alerts"]] == ["long_wait"]
    assert data["alerts"][0]["text"] == "咨询有来电已等待 1:15，超过 1:00"
    chart = data["chart"]
    assert sum(chart["offered"]) == 2 and chart["target"] == 80.0
    assert chart["labels"][0] == "00:00" and len(chart["x"]) == len(chart["offered"])
    assert wang and li and offered


def test_english_reader_and_the_service_level_alert(center, people, client, clock):
    center.agent("wang", {"inquiry": 4}, status="break")
    for _ in range(5):  # five callers give up after 40 s each: none answered within three rings
        sid, doc = center.enter("inquiry")
        clock.advance(40)
        twiml(center.post(doc.find("Enqueue").get("action"), sid, QueueResult="hangup"))
    people.add("lead", role="supervisor", language="en-US")
    sign_in(client, "lead")
    data = live(client)
    assert data["tiles"]["service_level_text"] == "0.0%" and data["tiles"]["service_level_off_target"] is True
    assert data["tiles"]["service_level_target_text"] == "target 80.0%"
    assert data["tiles"]["agents"] == [{"status": "break", "label": "Break", "count": 1}]
    alert = next(a for a in data["alerts"] if a["kind"] == "service_level")
    assert alert["text"] == "Inquiry: service level today 0.0%, under the target 80.0%"


def test_an_agent_is_refused(center, people, client):
    agent = center.agent("wang", {"inquiry": 5})
    people.add("wang.fang", agent_id=agent)
    sign_in(client, "wang.fang")
    assert client.get("/supervisor/live.json").status_code == 403
    assert client.get("/supervisor/reports/daily").status_code == 403


def test_the_pages_over_http(people, client):
    page = client.get("/supervisor")
    assert page.status_code == 302 and page.headers["Location"] == "/signin?next=/supervisor"
    live_json = client.get("/supervisor/live.json", headers={"Accept": "application/json"})
    assert live_json.status_code == 401 and live_json.get_json()["error"] == "sign in first"
    people.add("zhao.lead", role="supervisor")
    assert sign_in(client, "zhao.lead").headers["Location"] == "/supervisor"  # the supervisor's home page
    assert live(client)["queues"]
    for path in ("/supervisor", "/supervisor/reports/daily", "/supervisor/reports/weekly", "/supervisor/scorecard",
                 "/supervisor/staffing", "/supervisor/agents"):
        html = client.get(path).get_data(as_text=True)
        assert 'data-testid="nav"' in html and 'aria-current="page"' in html, path
    assert client.get("/supervisor/reports/daily?day=yesterday").status_code == 400
    assert client.get("/supervisor/scorecard?month=2026-13").status_code == 400
