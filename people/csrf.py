"""Cross-site request forgery protection for everything a signed-in browser can change.

One random token per session, sent back by forms as the `csrf_token` field and by page scripts
as the `X-CSRF-Token` header. A browser on another site can make the user's browser post to us with
the session cookie, but it cannot read our pages, so it cannot know the token. Requests with a
bearer token carry no ambient authority and need no token; Twilio webhooks are signed instead.
An `Origin` header naming another site is refused too, a second lock for older browsers.
"""
from __future__ import annotations

import functools
import hmac
import secrets
from typing import Callable, TypeVar
from urllib.parse import urlsplit

from flask import current_app, request, session

from people.responses import refuse

F = TypeVar("F", bound=Callable)
SESSION_KEY = "_csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token() -> str:
    """This session's token (made on first use); put it in every form and fetch call."""
    token = session.get(SESSION_KEY)
    if not token:
        token = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def renew_csrf_token() -> str:
    session.pop(SESSION_KEY, None)
    return csrf_token()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def csrf_problem() -> str | None:
    """Why the current request fails the CSRF check, or None (always None for safe methods)."""
    if request.method in SAFE_METHODS:
        return None
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        allowed = {_origin(request.host_url), _origin(current_app.config["HOTLINE_SETTINGS"].public_base_url)}
        if origin.lower() not in allowed:
            return "the request came from another site"
    expected = session.get(SESSION_KEY)
    sent = request.headers.get(HEADER) or request.form.get(FORM_FIELD, "")
    if not expected or not sent:
        return "the form's security token is missing; reload the page and try again"
    if not hmac.compare_digest(str(sent).encode(), str(expected).encode()):
        return "the form's security token is out of date; reload the page and try again"
    return None


def csrf_protect(view: F) -> F:
    """Refuse (403) a state-changing request to `view` without this session's token."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        problem = csrf_problem()
        if problem:
            return refuse(403, problem)
        return view(*args, **kwargs)

    checked.csrf_protected = True  # type: ignore[attr-defined]
    return checked  # type: ignore[return-value]
