"""People and sign-in, shared by every page of the product.

`init_app(app)` registers the sign-in pages, `/api/users`, the `hotline users` commands, the
session fallback for page scripts calling /api, and the template helpers (`csrf_token()`, `t()`,
`current_user`), and provides `hotline.contracts.Pages` (people.pages), which other areas' pages ask:
they guard their views with `hotline.pages.login_required(*roles)`; see docs/desk.md.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, g

from hotline import contracts
from hotline.areas import Area
from hotline.pages import login_required
from people import models  # noqa: F401
from people.cli import users_cli
from people.csrf import csrf_problem, csrf_token
from people.guards import page_principal, session_principal_for_api
from people.i18n import add_messages, page_language, translate
from people.pages import PeoplePages, nav_links, register_home_page
from people.sessions import current_user
from people.views import bp

__all__ = ["init_app", "login_required", "current_user", "page_principal", "csrf_token", "csrf_problem",
           "register_home_page"]


def init_app(app: Flask) -> None:
    settings = app.config["HOTLINE_SETTINGS"]
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=settings.session_hours)
    app.config["SESSION_COOKIE_NAME"] = "hotline_session"
    contracts.provide(app, contracts.Pages, PeoplePages())
    app.register_blueprint(bp)
    app.before_request(session_principal_for_api)
    app.cli.add_command(users_cli)
    add_messages(app, {})
    app.jinja_env.globals.update(csrf_token=csrf_token, t=translate, page_language=page_language,
                                 nav_links=nav_links)

    @app.context_processor
    def _signed_in_user():
        return {"current_user": current_user()}

    @app.after_request
    def _page_security_headers(response):
        # Pages show callers' details: never framed by another site (clickjacking), never sniffed,
        # never kept in the browser's cache for the next person at a shared desk after sign-out.
        if response.mimetype == "text/html":
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")

        if g.get("_current_user") is not None and response.mimetype in ("text/html", "application/json"):
            response.headers["Cache-Control"] = "no-store"
        return response


AREA = Area("people", init_app, api=("people.api",), migrations=True, models="people.models")
