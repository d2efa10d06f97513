"""IVR: bilingual menus from a data file, caller identification, ticket status, after-hours."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from ivr import api, ticket_views, voicemail_views  # noqa: F401  (register their routes)
    from ivr.cli import ivr_cli
    from ivr.menu_store import DEFAULT_MENU_PATH, MenuStore
    from ivr.views import bp

    settings = app.config["HOTLINE_SETTINGS"]
    store = MenuStore(settings.ivr_menu_path or DEFAULT_MENU_PATH)
    store.current()  # read (and check) the menu at start-up, not on the first caller
    app.extensions["hotline.ivr_menu"] = store
    app.register_blueprint(bp)
    app.cli.add_command(ivr_cli)
