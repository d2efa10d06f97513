"""Guards for pages and their scripts: `refusal` (behind `hotline.pages.login_required`), the session
on /api, `page_principal`."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from hotline.api.auth import Principal
from hotline.api.errors import abort_json
from people.csrf import SAFE_METHODS, csrf_problem
from people.responses import refuse, wants_json
from people.sessions import current_user, set_principal


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site; None (go to the default page) for anything else.

    Refused: absolute and scheme-relative URLs (`https://x`, `//x`), backslashes (browsers read
    `/\\x` as `//x`), and any control, whitespace or unprintable character: browsers drop tabs and
    newlines from URLs (`/<TAB>/x` becomes `//x`), Python's urlsplit does too, and CR/LF in a
    Location header is header injection (werkzeug refuses it with a 500).
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if not all(ch.isprintable() and not ch.isspace() for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def refusal(roles: tuple[str, ...]):
    """Why this request may not reach a page guarded by `hotline.pages.login_required(*roles)`, as
    the response to send instead; None (and `g.user`, `g.principal` set) when it may."""
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
    return None


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
        abort_json(403, problem)
    g.user = user
    set_principal(user)
    return None


def page_principal(*roles: str):
    """The signed-in user as an API `Principal` if they hold one of `roles` (admins always), else None.

    For pages that ask "who is this?" in one function instead of decorating every view.
    """
    user = current_user()
    if user is None or not user.has_role(*roles):
        return None
    return Principal(name=user.login, role=user.role, agent_id=user.agent_id)

