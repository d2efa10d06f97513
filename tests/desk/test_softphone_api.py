"""The desk's softphone API (desk/softphone_api.py) in sandbox mode: no Twilio token (a clear 503),
and the agent's own leg answered, declined, hung up and spoken into on a simulated conference call,
over real HTTP to the sandbox. Tokens on Twilio: test_softphone_token.py."""
from __future__ import annotations

import dataclasses

import pytest
from tests.conftest import signed_in
from tests.support.conference import in_room


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, routing_conference=True)


def test_sandbox_mode_answers_a_clear_error_for_tokens(people, client, switchboard):
    alice = switchboard.agent("alice")
    csrf = signed_in(client, people, "li.na", agent_id=alice)
    answer = client.post("/api/softphone/token", json={}, headers=csrf)
    assert answer.status_code == 503 and answer.get_json()["mode"] == "sandbox"


def test_unconfigured_twilio_names_the_missing_settings(people, client, switchboard, app):
    app.config["HOTLINE_SETTINGS"] = dataclasses.replace(app.config["HOTLINE_SETTINGS"], telephony="twilio")
    alice = switchboard.agent("alice")
    csrf = signed_in(client, people, "li.na", agent_id=alice)
    answer = client.post("/api/softphone/token", json={}, headers=csrf)
    assert answer.status_code == 503 and answer.get_json()["mode"] == "unconfigured"
    assert "TWILIO_API_KEY_SID" in answer.get_json()["error"]


def test_the_sandbox_softphone_answers_speaks_and_hangs_up_the_agents_own_leg(people, client, switchboard,
                                                                              simulator):
    alice = switchboard.agent("alice", status="available")
    switchboard.agent("bob", status="offline")
    csrf = signed_in(client, people, "li.na", agent_id=alice)

    def post(action: str, body: dict | None = None):
        return client.post(f"/api/softphone/{action}", json=body or {}, headers=csrf)

    assert post("register").get_json() == {"address": "client:alice", "action": "register", "softphone": True}
    assert post("answer").status_code == 409  # nothing rings yet
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=600)
    simulator.run(until=simulator.now + 5)  # a softphone does not answer by itself (three rings: 15 s)
    leg = next(c for c in simulator.calls if c.to == "client:alice")
    assert leg.status == "ringing" and in_room(simulator, caller.sid) == set()
    assert post("say", {"text": "hello"}).status_code == 409  # not talking yet

    assert post("answer", {"identity": "bob"}).status_code == 403  # only ever her own leg
    answered = post("answer")
    assert answered.status_code == 200 and answered.get_json()["call_sid"] == leg.sid
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=10)
    assert post("say", {"text": " "}).status_code == 422
    assert post("say", {"text": "您好，请问有什么可以帮您？"}).status_code == 200
    simulator.run(until=simulator.now + 1)
    assert leg.spoken == ["您好，请问有什么可以帮您？"]

    assert post("hangup").status_code == 200
    simulator.run(until=simulator.now + 2)
    assert leg.status == "completed"
    assert caller.status == "in-progress"  # the agent's leg going never drops the caller
    assert post("hangup").status_code == 409
    simulator.run(until=simulator.now + 700)
    assert simulator.errors == []


def test_a_declined_offer_is_a_missed_one(people, client, switchboard, simulator):
    alice = switchboard.agent("alice", status="available")
    csrf = signed_in(client, people, "li.na", agent_id=alice)
    client.post("/api/softphone/register", json={}, headers=csrf)
    simulator.call(url="/voice/route?queue=inquiry", hangup_after=60)
    simulator.run(until=simulator.now + 3)
    assert client.post("/api/softphone/decline", json={}, headers=csrf).status_code == 200
    simulator.run(until=simulator.now + 2)
    leg = next(c for c in simulator.calls if c.to == "client:alice")
    assert leg.status == "busy"
    assert switchboard.agent_status(alice) == "missed"
    simulator.run()


def test_a_scripted_agent_keeps_its_script(people, client, switchboard, simulator):
    alice = switchboard.agent("alice", status="available")
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=20)
    csrf = signed_in(client, people, "li.na", agent_id=alice)
    assert client.post("/api/softphone/register", json={}, headers=csrf).get_json()["softphone"] is False


def test_the_sandbox_softphone_is_for_agents_in_sandbox_mode(people, client, app, switchboard):
    csrf = signed_in(client, people, "reviewer", role="qa")
    assert client.post("/api/softphone/answer", json={}, headers=csrf).status_code == 403


def test_the_sandbox_softphone_answers_a_direct_dial_too(people, client, switchboard, simulator, app):
    """Dial mode (ROUTING_CONFERENCE off): the agent's leg rings inside the caller's <Dial>."""
    app.config["HOTLINE_SETTINGS"] = dataclasses.replace(app.config["HOTLINE_SETTINGS"], routing_conference=False)
    alice = switchboard.agent("alice", status="available")
    csrf = signed_in(client, people, "li.na", agent_id=alice)
    client.post("/api/softphone/register", json={}, headers=csrf)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=600)
    simulator.run(until=simulator.now + 5)
    leg = next(c for c in simulator.calls if c.to == "client:alice")
    assert leg.status == "ringing" and leg.direction == "outbound-dial"
    assert client.post("/api/softphone/answer", json={}, headers=csrf).status_code == 200
    assert simulator.run_until(lambda: caller.bridged_with is leg, limit=10)
    assert switchboard.agent_status(alice) == "on_call"
    assert client.post("/api/softphone/hangup", json={}, headers=csrf).status_code == 200
    simulator.run(until=simulator.now + 2)
    assert leg.status == "completed" and switchboard.routed(caller.sid).answered_at is not None
    simulator.run()
    assert simulator.errors == []
