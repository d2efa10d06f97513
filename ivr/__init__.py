"""IVR: bilingual menus from a data file, caller identification, ticket status, after-hours."""
from __future__ import annotations

from flask import Flask

from hotline import contracts
from hotline.areas import Area
from hotline.contracts import CallEnded
from hotline.jobs import periodic
from ivr import ticket_views, voicemail_views  # noqa: F401  (add their routes to the IVR's blueprint)
from ivr.call_steps import sweep_buffered_steps
from ivr.cli import ivr_cli
from ivr.menu_calls import MenuCallsAdapter
from ivr.menu_loader import MENU
from ivr.menu_store import menu_store
from ivr.views import bp


def init_app(app: Flask) -> None:
    settings = app.config["HOTLINE_SETTINGS"]
    store = menu_store(settings.ivr_menu_path)
    store.current()  # read (and check) the menu at start-up, not on the first caller
    app.extensions["hotline.ivr_menu"] = store
    app.register_blueprint(bp)
    app.cli.add_command(ivr_cli)
    contracts.provide(app, contracts.MenuCalls, MenuCallsAdapter())
    contracts.subscribe(contracts.CallEnded, _settle_ended_call, app)
    periodic(app, "ivr-sweep-buffered-steps", sweep_buffered_steps, interval=60, queue="default")


def _settle_ended_call(event: CallEnded) -> None:
    """A caller who hung up in the menu: their path moves into the history now."""
    MenuCallsAdapter().settle_call(event.call_sid)


AREA = Area("ivr", init_app, api=("ivr.api",), data_files=(MENU,), migrations=True, models="ivr.models")
