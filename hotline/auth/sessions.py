"""Who is signed in, and the `login_required(*roles)` guard every page uses.

The session is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure behind https): it holds only
the user id, the user's `session_version` and the CSRF token. Each request reloads the user, so a
deactivated user, a new password or a role change takes effect on the next click.
"""
from __future__ import annotations

import functools
from typing import Callable, TypeVar
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from hotline import db
from hotline.auth.csrf import SAFE_METHODS, csrf_problem, renew_csrf_token
from hotline.auth.models import User
from hotline.auth.responses import refuse, wants_json
from hotline.clock import now

F = TypeVar("F", bound=Callable)


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
    from hotline.api.auth import Principal

    g.principal = Principal(name=user.login, role=user.role, agent_id=user.agent_id)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site; None for anything that could leave it."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def login_required(*roles: str) -> Callable[[F], F]:
    """Guard a page or a page's fetch endpoint.

    Not signed in: pages redirect to the sign-in page (and come back), scripts get 401 JSON.
    Signed in without one of `roles` (admins always pass): 403. A state-changing request without the
    session's CSRF token: 403. The view finds the user in `g.user` and `g.principal`.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            user = current_user()
            if user is None:
                if wants_json() or request.method not in SAFE_METHODS:
                    return refuse(401, "sign in first")
                return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
            if not user.has_role(*roles):
                return refuse(403, f"this page needs one of the roles: {', '.join(roles)}")
            problem = csrf_problem()
            if problem:
                return refuse(403, problem)
            g.user = user
            set_principal(user)
            return view(*args, **kwargs)

        guarded.required_roles = roles  # type: ignore[attr-defined]
        guarded.signed_in_page = True  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator


def session_principal_for_api() -> None:
    """Before /api requests: a browser without a bearer token may use its session instead.

    Its state-changing requests must carry the X-CSRF-Token header. Bearer tokens keep working as
    before and take precedence, so scripts and integrations see no change.
    """
    if not request.path.startswith("/api") or request.headers.get("Authorization"):
        return None
    if "uid" not in session:
        return None
    user = current_user()
    if user is None:
        return None
    problem = csrf_problem()
    if problem:
        from hotline.api.errors import abort_json

        abort_json(403, problem)
    g.user = user
    set_principal(user)
    return None


def page_principal(*roles: str):
    """The signed-in user as an API `Principal` if they hold one of `roles` (admins always), else None.

    For pages that ask "who is this?" in one function instead of decorating every view.
    """
    from hotline.api.auth import Principal

    user = current_user()
    if user is None or not user.has_role(*roles):
        return None
    return Principal(name=user.login, role=user.role, agent_id=user.agent_id)


__all__ = ["current_user", "login_required", "page_principal", "sign_in", "sign_out", "safe_next", "wants_json"]
