"""Routing: skill-based matching of callers to agents within three rings."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from routing.views import bp

    app.register_blueprint(bp)
