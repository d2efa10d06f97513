"""Tickets: every call attached to a case with its GD number, SLA clock, history and SMS notices."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from tickets import models  # noqa: F401  (registers the tables on Base.metadata)
