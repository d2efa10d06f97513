"""Users through the API (admin only): create, list, change, unlock."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from sqlalchemy import select

from hotline import db
from hotline.api import keyset, schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from hotline.params import integer, query_limit
from people.models import LANGUAGES, ROLES, User
from people.users import UserError, create_user, find_user, update_user

bp = Blueprint("people", __name__)  # nested under /api by the app factory (hotline.areas)

USER_FIELDS = {"login": {"type": "string", "pattern": r"^\s*[a-zA-Z0-9][a-zA-Z0-9._@-]{1,59}\s*$"},
               "name": schemas.text(User.name), "password": {"type": "string", "minLength": 10, "maxLength": 256},
               "role": schemas.one_of(ROLES), "agent_id": schemas.integer(User.agent_id, null=True),
               "language": schemas.one_of(LANGUAGES)}
# An agent is the routing agent record they are: agent_id is required with role agent.
AGENT_NEEDS_ID = {"if": {"properties": {"role": {"const": "agent"}}, "required": ["role"]},
                  "then": {"required": ["agent_id"], "properties": {"agent_id": {"type": "integer"}}}}


@bp.post("/users")
@require_role("admin")
@operation("Create a person who signs in to the pages", tags=["users"],
           request={"type": "object", "required": ["login", "name", "password", "role"], "properties": USER_FIELDS,
                    **AGENT_NEEDS_ID},
           responses={201: "user created", 409: "login or agent already taken", 422: "invalid field"},
           description="Agents need agent_id, the routing agent record they are. Passwords: 10+ characters.")
def create_user_view():
    body = json_body()
    if "agent_id" in body:
        body["agent_id"] = integer(body["agent_id"], "agent_id", column=User.agent_id)
    try:
        user = create_user(db.session(), login=body.get("login"), name=body.get("name"),
                           password=body.get("password"), role=body.get("role"),
                           agent_id=body.get("agent_id"), language=body.get("language", "zh-CN"))
    except UserError as exc:
        abort_json(exc.status, str(exc))
    db.session().commit()
    return jsonify(user.to_dict()), 201


# By login (unique), in the database's collation: the unique index on login serves every page.
USER_ORDER = keyset.Order("users", (User.login,))


@bp.get("/users")
@require_role("admin")
@operation("Every user, by login", tags=["users"],
           query=keyset.paging_query(500),
           responses={200: "a page of users with `next`", **keyset.PAGING_RESPONSES},
           description=keyset.PAGING_DESCRIPTION)
def list_users():
    page = keyset.fetch(db.session(), select(User), USER_ORDER, cursor=request.args.get("after"),
                        limit=query_limit(request.args.get("limit"), default=500),
                        count=keyset.count_arg())
    return jsonify(users=[u.to_dict() for u in page.rows], **page.links())


@bp.patch("/users/<login>")
@require_role("admin")
@operation("Change a user: name, role, agent_id, language, password, active, or unlock", tags=["users"],
           request={"type": "object", "additionalProperties": False,
                    "properties": {**{k: v for k, v in USER_FIELDS.items() if k != "login"},
                                   "active": {"type": "boolean"}, "unlock": {"type": "boolean"}}},
           path={"login": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "^[^/]+$"}},
           responses={200: "the user", 404: "no such user", 409: "agent already taken", 422: "invalid field"},
           description="A new password, role, agent or deactivation ends the user's sessions.")

def update_user_view(login: str):
    user = find_user(db.session(), login)
    if user is None:
        abort_json(404, f"no user with login {login!r}")
    body = json_body()
    if "agent_id" in body:
        body["agent_id"] = integer(body["agent_id"], "agent_id", column=User.agent_id)
    try:
        update_user(db.session(), user, body)
    except UserError as exc:
        abort_json(exc.status, str(exc))
    db.session().commit()
    return jsonify(user.to_dict())
