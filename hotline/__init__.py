"""hotline: a call-center backend for Twilio numbers.

`create_app(settings=None, clock=None)` builds the Flask app: shared plumbing from this package,
then each area (IVR, routing, recordings, transcription, tickets, revisits, desk) through its own
`init_app(app)`, which registers its blueprint, signal receivers, periodic jobs and CLI commands.
"""
from __future__ import annotations

import importlib

from flask import Flask

from hotline.clock import Clock
from hotline.settings import Settings

AREAS = ("tickets", "ivr", "routing", "recordings", "transcription", "revisits", "desk", "access")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    from hotline import api, auth, db, gateway, health, local_time, metrics, redis_client, request_guard, voice, webhooks
    from hotline.cli import register_commands
    from hotline.logging import configure_logging
    from hotline.secret_key import instance_secret_key

    settings = settings or Settings.from_env()
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(settings.instance_dir.resolve()))
    app.config.update(
        HOTLINE_SETTINGS=settings,
        SECRET_KEY=settings.secret_key or instance_secret_key(settings.instance_dir),
        TESTING=settings.testing,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"),
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    request_guard.init_app(app)  # first: its converter and checks must precede every route and hook
    app.session_interface = webhooks.PageSessions()
    app.extensions["hotline.clock"] = clock or Clock()
    configure_logging(settings.log_level)

    db.init_app(app)
    redis_client.init_app(app)
    gateway.init_app(app)
    metrics.init_app(app)
    local_time.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(voice.bp)
    auth.init_app(app)  # before api: it adds /api/users to the API blueprint
    api.init_app(app)
    for area in AREAS:
        importlib.import_module(area).init_app(app)
    app.extensions.setdefault("hotline.periodic", [])
    from hotline.jobs import periodic

    periodic(app, "hotline-replay-call-ends", voice.replay_call_ends, interval=60)
    from hotline.reconcile import reconcile_calls

    periodic(app, "hotline-reconcile-calls", reconcile_calls, interval=settings.sweep_seconds)
    register_commands(app)

    return app
