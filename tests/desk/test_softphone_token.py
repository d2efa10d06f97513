"""Twilio access tokens for the desk's softphone (desk/softphone_api.py): minted for the signed-in
agent's own client identity only, with a VoiceGrant and the configured lifetime."""
from __future__ import annotations

import dataclasses

import jwt
import pytest
from tests.conftest import signed_in

ACCOUNT = "AC" + "1" * 32
KEY = "SK" + "2" * 32
APP = "AP" + "3" * 32


@pytest.fixture
def settings(settings):
    # Tokens are minted locally; no Twilio request is made, so the API URL goes nowhere.
    return dataclasses.replace(settings, telephony="twilio", twilio_account_sid=ACCOUNT,
                               twilio_api_url="http://127.0.0.1:9", twilio_api_key_sid=KEY,
                               twilio_api_key_secret="key-secret-for-tests-0123456789abcdef", twilio_twiml_app_sid=APP,
                               softphone_token_ttl_seconds=600)


def test_a_token_for_the_agents_own_identity_only(people, client, switchboard, clock):
    alice = switchboard.agent("alice")
    switchboard.agent("bob")
    csrf = signed_in(client, people, "li.na", agent_id=alice)
    answer = client.post("/api/softphone/token", json={}, headers=csrf)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["identity"] == "alice" and body["address"] == "client:alice" and body["ttl"] == 600
    claims = jwt.decode(body["token"], "key-secret-for-tests-0123456789abcdef", algorithms=["HS256"],
                        options={"verify_exp": False, "verify_nbf": False})  # minted on the test's clock
    assert claims["iss"] == KEY and claims["sub"] == ACCOUNT
    assert claims["nbf"] == int(clock.now().timestamp()) and claims["exp"] - claims["nbf"] == 600
    assert claims["grants"]["identity"] == "alice"
    assert claims["grants"]["voice"] == {"incoming": {"allow": True}, "outgoing": {"application_sid": APP}}

    assert client.post("/api/softphone/token", json={"identity": "alice"}, headers=csrf).status_code == 200
    refused = client.post("/api/softphone/token", json={"identity": "bob"}, headers=csrf)
    assert refused.status_code == 403 and "own identity" in refused.get_json()["error"]
    assert client.post("/api/softphone/token", json={}).status_code == 403  # no CSRF token


def test_no_token_for_someone_who_is_not_an_agent(people, client, api, switchboard):
    csrf = signed_in(client, people, "reviewer", role="qa")
    assert client.post("/api/softphone/token", json={}, headers=csrf).status_code == 403
    client.post("/signout", headers=csrf)
    csrf = signed_in(client, people, "lead", role="supervisor")
    refused = client.post("/api/softphone/token", json={}, headers=csrf)
    assert refused.status_code == 403 and "no agent record" in refused.get_json()["error"]
    assert api.post("/api/softphone/token", {}).status_code == 403  # the admin token is no agent either
    phone = switchboard.agent("desk.phone", address="+8613900000001")
    client.post("/signout", headers=csrf)
    csrf = signed_in(client, people, "on.the.phone", agent_id=phone)
    assert client.post("/api/softphone/token", json={}, headers=csrf).status_code == 409
