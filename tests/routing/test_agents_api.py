"""The agents API: who may do what, validation, and every status change as an event."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.contracts import AgentsOnShift, need

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "answers by posting the direct Dial's whisper and action by hand; answering in conference mode: "
    "tests/routing/test_conference_calls.py")


AGENT = {"name": "王芳", "address": "+8613800000001", "skills": {"inquiry": 4, "complaint": 2},
         "languages": ["zh-CN", "en-US"]}


def test_supervisor_creates_and_lists_agents(api):
    token = api.mint("supervisor")
    created = api.post("/api/agents", AGENT, token=token)
    assert created.status_code == 201
    body = created.get_json()
    assert body["status"] == "offline" and body["skills"] == {"inquiry": 4, "complaint": 2}
    listed = api.get("/api/agents", token=token).get_json()["agents"]
    assert [a["name"] for a in listed] == ["王芳"]


@pytest.mark.parametrize("change, field", [
    ({"address": "8613800000001"}, "address"),
    ({"address": "client:"}, "address"),
    ({"skills": {"inquiry": 6}}, "skills.inquiry"),
    ({"skills": {"inquiry": True}}, "skills.inquiry"),
    ({"skills": {}}, "skills"),
    ({"languages": ["fr-FR"]}, "languages"),
    ({"name": ""}, "name"),
    ({"status": "on_call"}, "status"),
])
def test_invalid_agent_is_refused_naming_the_field(api, change, field):
    response = api.post("/api/agents", {**AGENT, **change})
    assert response.status_code == 422
    assert response.get_json()["error"].startswith(field + ":")
    assert api.get("/api/agents").get_json()["agents"] == []


@pytest.mark.parametrize("address", ["+8613800000001", "client:agent_7", "sip:agent7@pbx.example.com"])
def test_address_kinds_are_accepted(api, address):
    assert api.post("/api/agents", {**AGENT, "address": address}).status_code == 201


def test_agent_sets_own_status_but_not_others_nor_profile(api):
    mine = api.post("/api/agents", AGENT).get_json()["id"]
    other = api.post("/api/agents", {**AGENT, "name": "李雷"}).get_json()["id"]
    token = api.mint("agent", agent_id=mine)
    assert api.patch(f"/api/agents/{mine}", {"status": "available"}, token=token).get_json()["status"] == "available"
    assert api.patch(f"/api/agents/{other}", {"status": "available"}, token=token).status_code == 403
    assert api.get(f"/api/agents/{other}", token=token).status_code == 403
    assert api.patch(f"/api/agents/{mine}", {"skills": {"urgent": 5}}, token=token).status_code == 403
    assert api.post("/api/agents", AGENT, token=token).status_code == 403
    assert api.get("/api/agents", token="").status_code == 401


def test_system_statuses_cannot_be_set_and_calls_must_end_first(center, api):
    agent = center.agent("wang", {"inquiry": 3})
    assert api.patch(f"/api/agents/{agent}", {"status": "on_call"}).status_code == 422
    center.enter("inquiry")
    response = api.patch(f"/api/agents/{agent}", {"status": "break"})
    assert response.status_code == 409 and response.get_json()["current"] == "reserved"


@DIRECT_DIAL
def test_every_status_change_is_an_event(center, app, api):
    from routing.models import AgentEvent

    agent = center.agent("wang", {"inquiry": 3}, status="offline")
    api.patch(f"/api/agents/{agent}", {"status": "available"})
    sid, doc = center.enter("inquiry")
    center.post(doc.find("Dial").get("action"), sid, DialCallStatus="busy")
    api.patch(f"/api/agents/{agent}", {"status": "break"})
    with app.app_context():
        from hotline import db

        events = db.session().scalars(select(AgentEvent).where(AgentEvent.agent_id == agent)
                                      .order_by(AgentEvent.id)).all()
        assert [(e.previous, e.status, e.reason) for e in events] == [
            (None, "offline", "created"), ("offline", "available", "supervisor"),
            ("available", "reserved", "offered"), ("reserved", "missed", "busy"), ("missed", "break", "supervisor")]
        assert events[2].call_sid == sid


@DIRECT_DIAL
def test_profile_change_reaches_routing(center, api):
    agent = center.agent("wang", {"inquiry": 3})
    assert api.patch(f"/api/agents/{agent}", {"skills": {"urgent": 4}}).status_code == 200
    _, doc = center.enter("inquiry")
    assert doc.find("Enqueue") is not None
    _, doc = center.enter("urgent")
    assert doc.find("Dial/Client").text == "wang"


def test_agents_on_shift_for_the_ivr(center, app, api):
    center.agent("wang", {"night": 2}, languages=("zh-CN",))
    center.agent("smith", {"night": 3}, languages=("en-US",), status="break")
    center.agent("li", {"night": 3}, status="offline")
    with app.app_context():
        on_shift = need(AgentsOnShift, app).agents_on_shift
        assert on_shift("night", None) == 2
        assert on_shift("night", "en-US") == 1
        assert on_shift("urgent", None) == 0


def test_redis_state_is_rebuilt_from_the_database(center, app, runner):
    import redis

    agent = center.agent("wang", {"inquiry": 3}, status="break")
    sid, _ = center.enter("inquiry")
    redis.Redis.from_url(app.config["HOTLINE_REDIS_URL"]).flushdb()
    result = runner.invoke(args=["routing", "rebuild"])
    assert result.exit_code == 0 and "1 agents, 1 waiting callers" in result.output
    assert center.agent_status(agent) == "break"
    center.api.patch(f"/api/agents/{agent}", {"status": "available"})
    assert center.agent_status(agent) == "reserved"
