"""The JSON API under /api: bearer-token auth, JSON errors, and the OpenAPI document.

The plumbing's own views are on `bp`; each area has its own blueprints (tickets/api.py,
routing/api.py..., named in its `AREA.api`), nested under /api by `init_app`, each view decorated
with `require_role(...)` and `openapi.operation(...)`.
"""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("hotline", __name__)  # the plumbing's own views (tokens, openapi.json)


def init_app(app: Flask, area_apis: list[Blueprint]) -> None:
    """Register /api: the plumbing's views (`bp`) and each area's API blueprint nested under it.

    The parent is made per app, so the same area blueprints nest again in the next app a test
    process builds, and no area adds routes to the plumbing's blueprint.
    """
    # local import: errors, openapi and tokens put their views on this package's `bp` (they import
    # it), so at the top they would import a package not made yet.
    from hotline.api import errors, openapi, tokens

    errors.init_app(app)
    api = Blueprint("api", __name__, url_prefix="/api")  # endpoints read api.<area>.<view>
    for child in (bp, *area_apis):
        api.register_blueprint(child)
    app.register_blueprint(api)
