"""Bearer tokens, roles, JSON errors, calls and the OpenAPI document."""
import pytest
from sqlalchemy import select

from hotline import db
from hotline.models import ApiToken


def test_missing_or_wrong_token_is_401_json(api):
    for token in ("", "nope"):
        response = api.get("/api/calls/CA1", token=token)
        assert response.status_code == 401
        assert "bearer token" in response.get_json()["error"]


def test_admin_mints_tokens_that_are_stored_hashed(app, api):
    secret = api.mint("supervisor", name="night lead")
    with app.app_context():
        row = db.session().scalars(select(ApiToken)).one()
        assert row.role == "supervisor" and secret not in row.token_hash
    assert api.get("/api/calls/CA404", token=secret).status_code == 404


@pytest.mark.parametrize("role", ["supervisor", "agent", "qa"])
def test_only_admins_mint_tokens(api, role):
    token = api.mint(role)
    response = api.post("/api/tokens", {"name": "x", "role": "admin"}, token=token)
    assert response.status_code == 403
    assert response.get_json()["error"] == "this needs one of the roles: admin"


@pytest.mark.parametrize("body,field", [({"role": "qa"}, "name"), ({"name": "x", "role": "boss"}, "role"),
                                        ({"name": "x", "role": "agent", "agent_id": "7"}, "agent_id")])
def test_bad_token_requests_name_the_field(api, body, field):
    response = api.post("/api/tokens", body)
    assert response.status_code == 422
    assert response.get_json()["error"].startswith(f"{field}:")


def test_non_json_body_is_400(api, client):
    response = client.post("/api/tokens", data="name=x", headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


def test_a_call_with_its_events(api, twilio, clock):
    sid = "CA" + "4" * 32
    twilio.post("/voice/incoming", twilio.call_params(sid))
    clock.advance(9)
    twilio.post("/voice/status", twilio.call_params(sid, CallStatus="completed", CallDuration="9"))
    body = api.get(f"/api/calls/{sid}").get_json()
    assert body["status"] == "completed" and body["duration_seconds"] == 9
    assert [(e["kind"], e["data"].get("status")) for e in body["events"]] == [
        ("status", "ringing"), ("incoming", None), ("status", "completed")]


def test_unknown_api_path_is_json_404(api):
    response = api.get("/api/nothing-here")
    assert response.status_code == 404 and "error" in response.get_json()


def test_openapi_lists_every_api_route(app, client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert document["paths"]["/api/calls/{sid}"]["get"]["x-roles"] == ["supervisor", "qa", "agent"]
    api_rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api")}
    assert len(document["paths"]) == len(api_rules)
