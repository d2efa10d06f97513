"""The JSON API under /api: bearer-token auth, JSON errors, and the OpenAPI document.

Areas add their endpoints to `bp` from their own modules (tickets/api.py, routing/api.py...), each
view decorated with `require_role(...)` and `openapi.operation(...)`.
"""
from __future__ import annotations

import importlib
import importlib.util

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api")


def init_app(app: Flask) -> None:
    from hotline.api import calls, errors, openapi, tokens  # noqa: F401  (registers routes)

    errors.init_app(app)
    import_area_apis()
    app.register_blueprint(bp)


def import_area_apis() -> None:
    """Import each area's `<area>/api.py` now: a blueprint takes no new views once registered."""
    from hotline import AREAS

    for area in AREAS:
        if importlib.util.find_spec(f"{area}.api") is not None:
            importlib.import_module(f"{area}.api")
