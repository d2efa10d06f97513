"""Minting API tokens (admin only)."""
from __future__ import annotations

from flask import jsonify

from hotline import db
from hotline.api import bp, schemas
from hotline.api.auth import ROLES, mint_token, require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from hotline.models import ApiToken
from hotline.params import integer, text


@bp.post("/tokens")
@require_role("admin")
@operation("Mint an API token; the secret is shown once", tags=["auth"],
           request={"type": "object", "required": ["name", "role"],
                    "properties": {"name": schemas.text(ApiToken.name), "role": schemas.one_of(ROLES),
                                   "agent_id": schemas.integer(ApiToken.agent_id, null=True)}},
           responses={201: "token created", 422: "invalid name or role"})
def create_token():
    body = json_body()
    name = text(body.get("name"), "name", column=ApiToken.name, required=True)
    role = body.get("role")
    if role not in ROLES:
        abort_json(422, f"role: must be one of {', '.join(ROLES)}")
    agent_id = integer(body.get("agent_id"), "agent_id", column=ApiToken.agent_id)
    row, secret = mint_token(name, role, agent_id)
    db.session().commit()
    return jsonify(id=row.id, name=row.name, role=row.role, agent_id=row.agent_id, token=secret), 201
