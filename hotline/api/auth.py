"""Bearer tokens for the API: roles admin, supervisor, agent, qa; stored only as SHA-256 hashes."""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, TypeVar

from flask import current_app, g, request
from sqlalchemy import select

from hotline import db
from hotline.api.errors import abort_json
from hotline.clock import now
from hotline.models import ApiToken

ROLES = ("admin", "supervisor", "agent", "qa")
F = TypeVar("F", bound=Callable)
LAST_USED_GRAIN = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's name and role, and for agents the agent record they are."""

    name: str
    role: str
    agent_id: int | None = None
    token_id: int | None = None

    def has_role(self, *roles: str) -> bool:
        return self.role == "admin" or self.role in roles


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; no salt or KDF is needed.
    return hashlib.sha256(token.encode()).hexdigest()


def mint_token(name: str, role: str, agent_id: int | None = None) -> tuple[ApiToken, str]:
    """Create a token row and return it with the only copy of the secret."""
    if role not in ROLES:
        abort_json(422, f"role: must be one of {', '.join(ROLES)}")
    secret = "hl_" + secrets.token_urlsafe(32)
    row = ApiToken(name=name, role=role, agent_id=agent_id, token_hash=hash_token(secret))
    db.session().add(row)
    return row, secret


def authenticate() -> Principal | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    token = token.strip()
    admin_token = current_app.config["HOTLINE_SETTINGS"].admin_token
    if admin_token and hmac.compare_digest(token.encode(), admin_token.encode()):
        return Principal(name="admin", role="admin")
    session = db.session()
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                 ApiToken.revoked_at.is_(None))).first()
    if row is None:
        return None
    moment = now()
    # Written at most once a minute per token: "last used" needs no finer grain, and a commit on
    # every API request would cost each of them a write and a round trip.
    if row.last_used_at is None or moment - row.last_used_at >= LAST_USED_GRAIN:
        row.last_used_at = moment
        session.commit()
    return Principal(name=row.name, role=row.role, agent_id=row.agent_id, token_id=row.id)


def current_principal() -> Principal:
    return g.principal


def require_role(*roles: str) -> Callable[[F], F]:
    """401 without a valid token; 403 when its role is not one of `roles` (admin always passes)."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            principal = g.get("principal") or authenticate()
            if principal is None:
                abort_json(401, "missing or invalid bearer token (Authorization: Bearer <token>)")
            if roles and not principal.has_role(*roles):
                abort_json(403, f"this needs one of the roles: {', '.join(roles)}")
            g.principal = principal
            return view(*args, **kwargs)

        guarded.required_roles = roles  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator
