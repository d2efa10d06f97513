"""Who is using the QA pages. A stopgap until the desk area's user sign-in replaces it.

Everything that knows how a page visitor is identified is in this module: a reviewer pastes a qa,
supervisor or admin API token once; the session cookie (signed, HttpOnly) then carries their name
and role. The desk swaps `page_principal` and `sign_in_url` for its own and nothing else changes.
"""
from __future__ import annotations

import functools
import hmac
import secrets

from flask import current_app, redirect, request, session, url_for
from sqlalchemy import select

from hotline import db
from hotline.api.auth import Principal, hash_token
from hotline.models import ApiToken

PAGE_ROLES = ("qa", "supervisor", "admin")
SESSION_KEY = "qa_principal"


def principal_for_token(token: str) -> Principal | None:
    token = token.strip()
    if not token:
        return None
    admin = current_app.config["HOTLINE_SETTINGS"].admin_token
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return Principal(name="admin", role="admin")
    row = db.session().scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                      ApiToken.revoked_at.is_(None))).first()
    return Principal(name=row.name, role=row.role, agent_id=row.agent_id, token_id=row.id) if row else None


def sign_in(principal: Principal) -> None:
    session.clear()
    session[SESSION_KEY] = {"name": principal.name, "role": principal.role, "token_id": principal.token_id}
    session["csrf"] = secrets.token_urlsafe(24)


def page_principal() -> Principal | None:
    data = session.get(SESSION_KEY)
    if not data or data.get("role") not in PAGE_ROLES:
        return None
    if data.get("token_id") is not None:
        # A revoked token ends its page sessions too, at the next request.
        row = db.session().get(ApiToken, data["token_id"])
        if row is None or row.revoked_at is not None:
            session.pop(SESSION_KEY, None)
            return None
    return Principal(name=data["name"], role=data["role"], token_id=data.get("token_id"))


def csrf_ok() -> bool:
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf", "")
    return bool(session.get("csrf")) and hmac.compare_digest(sent.encode(), session["csrf"].encode())


def reviewer_page(view):
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if page_principal() is None:
            if request.method == "GET" and not request.path.endswith("/audio"):
                return redirect(url_for("qa.sign_in_page", next=request.full_path))
            return {"error": "sign in with a qa, supervisor or admin token"}, 401
        return view(*args, **kwargs)

    return guarded
