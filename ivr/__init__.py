"""IVR: bilingual menus from a data file, caller identification, ticket status, after-hours."""
from __future__ import annotations

import logging

from flask import Flask

from hotline.areas import Area
from ivr.menu_loader import MENU


def init_app(app: Flask) -> None:
    from hotline import signals
    from hotline.jobs import periodic
    from ivr import ticket_views, voicemail_views  # noqa: F401  (add their routes to the IVR's blueprint)
    from ivr.call_steps import sweep_buffered_steps
    from ivr.cli import ivr_cli
    from ivr.menu_store import menu_store
    from ivr.views import bp

    settings = app.config["HOTLINE_SETTINGS"]
    store = menu_store(settings.ivr_menu_path)
    store.current()  # read (and check) the menu at start-up, not on the first caller
    app.extensions["hotline.ivr_menu"] = store
    app.register_blueprint(bp)
    app.cli.add_command(ivr_cli)
    signals.call_ended.connect(_settle_ended_call, sender=app, weak=False)
    # Routing settles a caller's path before queueing them, if the settle job has not yet.
    app.extensions["hotline.settle_call"] = _settle_call
    # Routing asks for a message when it cannot queue a caller (Redis down, no overflow number).
    app.extensions["hotline.take_message"] = _take_message
    # Calls still in the menu, read through from the Redis buffer (the API and the supervisor).
    from ivr.live_calls import buffered_call, calls_in_menu

    app.extensions["hotline.buffered_call"] = buffered_call
    app.extensions["hotline.calls_in_menu"] = calls_in_menu
    periodic(app, "ivr-sweep-buffered-steps", sweep_buffered_steps, interval=60, queue="default")


def _settle_call(call_sid: str) -> None:
    from redis.exceptions import RedisError

    from ivr.call_steps import settle

    try:
        settle(call_sid)
    except RedisError:  # the caller must still be queued; the sweep settles the path later
        logging.getLogger(__name__).warning("Redis unavailable; IVR steps of a call wait", exc_info=True)


def _settle_ended_call(sender: Flask, call_sid: str, **_: object) -> None:
    """A caller who hung up in the menu: their path moves into the history now."""
    _settle_call(call_sid)


def _take_message(language: str, category: str):
    """TwiML asking for a message that becomes a callback ticket (see ivr.voicemail_views)."""
    from ivr.handover import offer_voicemail
    from ivr.menu_store import get_menu

    tree = get_menu()
    if language not in tree.languages:
        from flask import current_app

        language = current_app.config["HOTLINE_SETTINGS"].default_language
    return offer_voicemail(tree, language, category)


AREA = Area("ivr", init_app, api=("ivr.api",), data_files=(MENU,), migrations=True, models="ivr.models")
