"""Minting API tokens (admin only)."""
from __future__ import annotations

from flask import jsonify

from hotline import db
from hotline.api import bp
from hotline.api.auth import ROLES, mint_token, require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation


@bp.post("/tokens")
@require_role("admin")
@operation("Mint an API token; the secret is shown once", tags=["auth"],
           request={"type": "object", "required": ["name", "role"],
                    "properties": {"name": {"type": "string"}, "role": {"enum": list(ROLES)},
                                   "agent_id": {"type": "integer"}}},
           responses={201: "token created", 422: "invalid name or role"})
def create_token():
    body = json_body()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        abort_json(422, "name: required, a non-empty string")
    role = body.get("role")
    if role not in ROLES:
        abort_json(422, f"role: must be one of {', '.join(ROLES)}")
    agent_id = body.get("agent_id")
    if agent_id is not None and not isinstance(agent_id, int):
        abort_json(422, "agent_id: must be an integer")
    row, secret = mint_token(name.strip(), role, agent_id)
    db.session().commit()
    return jsonify(id=row.id, name=row.name, role=row.role, agent_id=row.agent_id, token=secret), 201
