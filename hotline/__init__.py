"""hotline: a call-center backend for Twilio numbers.

`create_app(settings=None, clock=None)` builds the Flask app: shared plumbing from this package,
the API with each area's API blueprints nested under /api, then each area of `AREAS` (people,
messaging, tickets, IVR, routing, recordings, transcription, revisits, desk, access, supervision) through its own
`init_app(app)`, which registers its blueprints, signal receivers, periodic jobs and CLI commands.
"""
from __future__ import annotations

from flask import Flask

from hotline.clock import Clock
from hotline.settings import Settings
from hotline.web_preload import web_preload

# The one list of areas, in set-up order; each declares itself as `AREA = Area(...)` in its
# __init__ (hotline/areas.py). Adding an area: its name here, and "<name>*" in pyproject's include.
AREAS = ("people", "messaging", "tickets", "ivr", "routing", "recordings", "transcription", "revisits", "desk", "access", "supervision", "live")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    # local import: every module of the plumbing imports this package first; importing the app's
    # modules at its top would load the whole plumbing for `import hotline.clock`, and those that
    # read AREAS or create_app (hotline.areas, hotline.jobs) would find the package half made.
    from hotline import api, db, gateway, health, local_time, metrics, phone, redis_client, request_guard, voice, webhooks
    from hotline.areas import areas
    from hotline.cli import register_commands
    from hotline.jobs import periodic, worker_preload
    from hotline.logging import configure_logging
    from hotline.reconcile import reconcile_calls
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
    registered = areas()
    api.init_app(app, [bp for area in registered for bp in area.api_blueprints()])
    for area in registered:
        area.init_app(app)
    app.extensions.setdefault("hotline.periodic", [])
    periodic(app, "hotline-replay-call-ends", voice.replay_call_ends, interval=60)
    periodic(app, "hotline-reconcile-calls", reconcile_calls, interval=settings.sweep_seconds)
    register_commands(app)
    for preload in (web_preload, worker_preload):
        preload(app, lambda app: phone.warm(settings.default_country_code))
        preload(app, db.warm)
    return app
