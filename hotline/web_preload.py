"""What each web worker loads once when it starts, so no request pays for it.

gunicorn runs without --preload: every worker imports `wsgi`, which builds the app and then runs
these hooks (areas register them in their `init_app`). Apps built by tests and the CLI skip them,
so a test process does not load what only serving needs. RQ workers have their own list
(`hotline.jobs.worker_preload`), run in the worker parent before it forks job children.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask


def web_preload(app: Flask, hook: Callable[[Flask], None]) -> None:
    """Register `hook(app)`, run once by each web worker after the app is built."""
    app.extensions.setdefault("hotline.web_preload", []).append(hook)


def run_web_preload(app: Flask) -> Flask:
    for hook in app.extensions.get("hotline.web_preload", []):
        hook(app)
    return app
