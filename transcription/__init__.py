"""transcription: see the README's section on it."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers this area's blueprint, signal receivers, periodic jobs and commands."""
