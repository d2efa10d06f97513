"""No input gives a 500: each case found by trying hostile values against the API and webhooks.

Every case runs on both backends (SQLite here, PostgreSQL when DATABASE_URL is set): what one
database forgives (NUL bytes, overlong strings on SQLite) the other turns into a server error.
"""
from __future__ import annotations

import json

import pytest

from tests.support.factories import api_agent

BIG = 2 ** 63
NAME_121 = "x" * 121


@pytest.fixture
def agent_id(api) -> int:
    return api_agent(api, "Alice", address="client:alice")


GETS = [
    ("/api/tickets?page=²", 400, "page"),
    ("/api/tickets?per_page=²", 400, "per_page"),
    ("/api/tickets?to=9999-12-31", 400, "to"),
    ("/api/tickets?from=0001-01-01", 400, "from"),
    ("/api/tickets?assignee_id=²", 400, "assignee_id"),
    ("/api/reports/tickets?to=9999-12-31", 400, "to"),
    ("/api/reports/tickets?from=0001-01-01&to=2026-01-02", 400, "from"),
    ("/api/reports/satisfaction?to=9999-12-31", 400, "to"),
    ("/api/reports/satisfaction?agent_id=99999999999999999999", 400, "agent_id"),
    ("/api/metrics/service-level?to=9999-12-31T23:59:59", 400, "to"),
    ("/api/metrics/service-level?from=0001-01-01T00:00:00%2B14:00", 400, "from"),
    ("/api/reports/ivr?until=9999-12-31", 400, "until"),
    ("/api/reports/ivr?since=0001-01-01T00:00:00%2B14:00", 400, "since"),
    (f"/api/agents/{BIG}", 404, None),
    (f"/api/agents/{2 ** 31}", 404, None),
    (f"/api/revisits?ticket_id={BIG}", 400, "ticket_id"),
    ("/api/revisits?ticket_id=²", 400, "ticket_id"),
    ("/api/revisits?limit=-5", 400, "limit"),
    ("/api/revisits?limit=²", 400, "limit"),
    ("/api/calls/CA%00x", 400, "path"),
    ("/api/tickets/GD%00", 400, "path"),
    ("/api/customers/%2B8613800138000%00", 400, "path"),
    ("/api/tickets?category=%00", 400, "category"),
    ("/api/qa/reviews?reviewer=a%00b", 400, "reviewer"),
    ("/api/qa/search?q=%00", 400, "q"),
    ("/api/do-not-contact/%2B²²²²²²²²", 422, "phone"),
]


@pytest.mark.parametrize("path,status,field", GETS)
def test_bad_query_and_path_values_are_refused_by_name(api, path, status, field):
    response = api.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    if field:
        assert response.get_json()["error"].startswith(f"{field}"), response.get_json()


POSTS = [
    ("/api/agents", {"name": NAME_121, "address": "client:a", "skills": {"inquiry": 3}, "languages": ["zh-CN"]},
     422, "name"),
    ("/api/agents", {"name": "a\x00b", "address": "client:a", "skills": {"inquiry": 3}, "languages": ["zh-CN"]},
     400, "name"),
    ("/api/agents", {"name": "a\ud800b", "address": "client:a", "skills": {"inquiry": 3}, "languages": ["zh-CN"]},
     400, "name"),
    ("/api/tokens", {"name": NAME_121, "role": "qa"}, 422, "name"),
    ("/api/tokens", {"name": "x", "role": "agent", "agent_id": True}, 422, "agent_id"),
    ("/api/tokens", {"name": "x", "role": "agent", "agent_id": 2 ** 31}, 422, "agent_id"),
    ("/api/tokens", {"name": "x", "role": "agent", "agent_id": BIG}, 422, "agent_id"),
    ("/api/users", {"login": "bob", "name": NAME_121, "password": "long enough pass", "role": "qa"}, 422, "name"),
    ("/api/users", {"login": "b\x00b", "name": "Bob", "password": "long enough pass", "role": "qa"}, 400, "login"),
    ("/api/users", {"login": "bob", "name": "Bob", "password": "long enough pass", "role": "agent",
                    "agent_id": 2 ** 31}, 422, "agent_id"),
    ("/api/tickets", {"phone": "+8613800138000", "category": "inquiry", "assignee_id": 2 ** 31}, 422,
     "assignee_id"),
    ("/api/tickets", {"phone": "+8613800138000", "category": "inquiry", "assignee_id": True}, 422,
     "assignee_id"),
    ("/api/tickets", {"phone": "+8613800138000", "category": "inquiry", "description": "\ud800"}, 400,
     "description"),
    ("/api/tickets", {"phone": "+8613800138000", "category": "inquiry", "call_sid": "CA\x00"}, 400, "call_sid"),
    ("/api/tickets", {"phone": "+²²²²²²²²", "category": "inquiry"}, 422, "phone"),
    ("/api/do-not-contact", {"phone": "+²²²²²²²²"}, 422, "phone"),
    ("/api/do-not-contact", {"phone": "+8612345678901"}, 422, "phone"),
    ("/api/qa/reviews", {"call_sid": "CA\x00", "answers": {}}, 400, "call_sid"),
    ("/api/qa/reviews", {"call_sid": "CA1", "answers": {"q\x00": "yes"}}, 400, "answers"),
]


@pytest.mark.parametrize("path,body,status,field", POSTS)
def test_bad_body_values_are_refused_by_name(client, path, body, status, field):
    # json.dumps escapes a lone surrogate as \\ud800, as a hostile client would send it.
    response = client.post(path, data=json.dumps(body), content_type="application/json",
                           headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"].startswith(field), response.get_json()


def test_patching_an_agent_with_overlong_or_nul_values(api, agent_id):
    assert api.patch(f"/api/agents/{agent_id}", {"name": NAME_121}).status_code == 422
    response = api.patch(f"/api/agents/{agent_id}", {"status": "avail\x00able"})
    assert response.status_code == 400 and response.get_json()["error"].startswith("status")


def test_customer_fields_are_bounded(api):
    assert api.post("/api/tickets", {"phone": "+8613800138000", "category": "inquiry"}).status_code == 201
    response = api.patch("/api/customers/+8613800138000", {"surname": "王" * 61})
    assert response.status_code == 422 and response.get_json()["error"].startswith("surname")
    response = api.patch("/api/customers/+8613800138000", {"surname": "王\x00"})
    assert response.status_code == 400 and response.get_json()["error"].startswith("surname")


def test_a_signed_webhook_with_a_malformed_number_is_400_not_an_apology(twilio):
    response = twilio.post("/voice/status", twilio.call_params(CallStatus="completed", CallDuration="²"))
    assert response.status_code == 400
    assert "CallDuration" in response.get_data(as_text=True)


def test_a_signed_webhook_with_a_nul_byte_is_400(twilio):
    response = twilio.post("/voice/status", twilio.call_params(CallStatus="completed", From="+86\x00"))
    assert response.status_code == 400
    assert "From" in response.get_data(as_text=True)


def test_an_oversized_body_is_refused_before_it_is_parsed(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b"Body=" + b"a" * limit
    response = client.post("/voice/status", data=body, content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 413
    response = client.post("/api/tokens", data=b'{"name": "' + b"a" * limit + b'"}',
                           content_type="application/json", headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == 413 and "error" in response.get_json()


def test_a_405_names_the_allowed_methods(client):
    response = client.put("/api/tokens", headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST", "OPTIONS"}
    assert "error" in response.get_json()


def test_a_nul_byte_in_a_page_form_is_400_not_a_database_error(client):
    response = client.post("/signin", data={"login": "a\x00b", "password": "x", "csrf_token": "x"})
    assert response.status_code == 400 and b"login" in response.data


@pytest.mark.parametrize("path,params,field", [
    ("/voice/incoming?misses=%C2%B2", {}, "misses"),  # "²", percent-encoded as Twilio signs it
    ("/voice/incoming?misses=99999999999", {}, "misses"),
    ("/voice/incoming", {"Digits": "1²"}, "Digits"),
    ("/voice/incoming", {"Confidence": "NaN"}, "Confidence"),
    ("/recordings/status", {"RecordingDuration": "²", "RecordingSid": "RE" + "1" * 32,
                            "RecordingStatus": "completed"}, "RecordingDuration"),
])
def test_signed_webhooks_with_malformed_numbers_are_400(twilio, path, params, field):
    response = twilio.post(path, twilio.call_params(**params))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"].startswith(field)
