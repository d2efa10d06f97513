"""Revisits: outbound satisfaction calls and SMS after a ticket is resolved."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from revisits.sms import bp

    app.register_blueprint(bp)
