"""Who is signed in: loading the user of a request, starting and ending sessions.

The session is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure behind https): it holds only
the user id, the user's `session_version` and the CSRF token. Each request reloads the user, so a
deactivated user, a new password or a role change takes effect on the next click.
"""
from __future__ import annotations

from flask import g, session

from hotline import db
from hotline.api.auth import Principal
from people.csrf import renew_csrf_token
from people.models import User
from hotline.clock import now


def current_user() -> User | None:
    """The signed-in user of this request, or None (also when their session was ended)."""
    if "_current_user" in g:
        return g._current_user
    user = None
    uid, version = session.get("uid"), session.get("sv")
    if isinstance(uid, int):
        candidate = db.session().get(User, uid)
        if candidate is not None and candidate.active and candidate.session_version == version:
            user = candidate
        else:
            session.clear()
    g._current_user = user
    return user


def sign_in(user: User) -> None:
    """Start a fresh session for `user` (a new cookie and CSRF token: no session fixation)."""
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["sv"] = user.session_version
    renew_csrf_token()
    user.last_signin_at = now()
    g._current_user = user


def sign_out(user: User | None) -> None:
    """End this user's sessions everywhere: a copied cookie is worthless after sign-out."""
    if user is not None:
        user.session_version += 1
    session.clear()
    g._current_user = None


def set_principal(user: User) -> None:
    """Let views written for the API (`g.principal`) serve signed-in users too."""
    g.principal = Principal(name=user.login, role=user.role, agent_id=user.agent_id)
