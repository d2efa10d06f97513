"""Users created and changed by an admin, through the API and the command line."""
import re

import pytest
from sqlalchemy import select

from hotline import db
from people.models import User

BODY = {"login": "Wang.Fang", "name": "王芳", "password": "a long passphrase", "role": "agent",
        "agent_id": 3, "language": "en-US"}


def test_an_admin_creates_a_user_stored_with_an_argon2_hash(app, api):
    response = api.post("/api/users", BODY)
    assert response.status_code == 201
    assert response.get_json() | {"created_at": None, "id": None} == {
        "id": None, "login": "wang.fang", "name": "王芳", "role": "agent", "agent_id": 3, "language": "en-US",
        "active": True, "locked_until": None, "last_signin_at": None, "created_at": None}
    with app.app_context():
        user = db.session().scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$") and "a long passphrase" not in user.password_hash


@pytest.mark.parametrize("role", ["agent", "qa", "supervisor"])
def test_only_admins_create_users(api, role):
    token = api.mint(role, agent_id=9 if role == "agent" else None)
    assert api.post("/api/users", BODY, token=token).status_code == 403


@pytest.mark.parametrize("change,field,status", [
    ({"login": "a b"}, "login", 422), ({"name": ""}, "name", 422), ({"role": "boss"}, "role", 422),
    ({"password": "short"}, "password", 422), ({"agent_id": None}, "agent_id", 422),
    ({"agent_id": "3"}, "agent_id", 422), ({"language": "fr-FR"}, "language", 422)])
def test_bad_fields_are_named(api, change, field, status):
    response = api.post("/api/users", BODY | change)
    assert response.status_code == status and response.get_json()["error"].startswith(f"{field}:")


def test_logins_and_agents_are_unique(api):
    assert api.post("/api/users", BODY).status_code == 201
    assert api.post("/api/users", BODY | {"agent_id": 4}).get_json()["error"].startswith("login:")
    taken = api.post("/api/users", BODY | {"login": "other"})
    assert taken.status_code == 409 and taken.get_json()["error"].startswith("agent_id:")


def test_users_are_listed_and_changed(api):
    api.post("/api/users", BODY)
    assert [u["login"] for u in api.get("/api/users").get_json()["users"]] == ["wang.fang"]
    changed = api.patch("/api/users/wang.fang", {"role": "supervisor", "agent_id": None, "active": False})
    assert changed.get_json()["role"] == "supervisor" and changed.get_json()["active"] is False
    assert api.patch("/api/users/nobody", {"active": False}).status_code == 404
    assert api.patch("/api/users/wang.fang", {"is_admin": True}).get_json()["error"].startswith("is_admin:")


def test_the_command_line_creates_lists_and_unlocks(app, runner):
    result = runner.invoke(args=["users", "create", "zhao.lei", "--name", "赵磊", "--role", "agent",
                                 "--agent-id", "5", "--password", "a long passphrase"])
    assert result.exit_code == 0, result.output
    # The agent id printed is the routing agent's (what --agent-id named), told apart from the user's id.
    assert re.search(r"created agent zhao\.lei \(user id \d+, agent id 5\)", result.output), result.output
    assert "zhao.lei" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "create", "qian", "--name", "钱", "--role", "agent",
                                 "--password", "a long passphrase"])
    assert result.exit_code != 0 and "agent_id: required" in result.output
    assert runner.invoke(args=["users", "unlock", "zhao.lei"]).exit_code == 0
    assert runner.invoke(args=["users", "unlock", "nobody"]).exit_code != 0
