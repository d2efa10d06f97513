"""IVR: bilingual menus from a data file, caller identification, ticket status, after-hours."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from ivr.views import bp

    app.register_blueprint(bp)
