"""The JSON API under /api: bearer-token auth, JSON errors, and the OpenAPI document.

Areas add their endpoints to `bp` from their own modules (tickets/api.py, routing/api.py...), each
view decorated with `require_role(...)` and `openapi.operation(...)`.
"""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api")


def init_app(app: Flask) -> None:
    from hotline.api import calls, errors, openapi, tokens  # noqa: F401  (registers routes)

    errors.init_app(app)
    app.register_blueprint(bp)
