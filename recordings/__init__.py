"""Recordings: every agent leg and voicemail recorded, downloaded and kept for QA."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from recordings.views import bp

    app.register_blueprint(bp)
