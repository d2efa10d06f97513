"""desk: the agent's page. Status in one click, the caller's context while a call rings and lasts,
the ticket kept up to date, the manuals' phrases at hand, and the agent's day. See docs/desk.md."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from desk.messages import MESSAGES
from desk.scripts import SCRIPTS, ScriptsError, load_scripts
from desk.views import bp
from hotline.areas import Area
from hotline.contracts import Pages, need
from hotline.data_files import LiveFile

desk_cli = AppGroup("desk", help="The agent desk.")


@desk_cli.command("check-scripts")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check_scripts(path: Path | None) -> None:
    """Validate a scripts file (default: the one the desk uses)."""
    path = path or current_app.extensions["desk.scripts"].path
    try:
        scripts = load_scripts(path)
    except ScriptsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{path}: {len(scripts.situations)} situations, "
               f"{sum(len(s.phrases) for s in scripts.situations.values())} phrases, both languages")


def init_app(app: Flask) -> None:
    """Registers this area's blueprint, signal receivers, periodic jobs and commands."""
    scripts = LiveFile(SCRIPTS, app.config["HOTLINE_SETTINGS"].desk_scripts_path)
    scripts.current()  # a broken file at start-up stops start-up; later edits reload (last good kept)
    app.extensions["desk.scripts"] = scripts
    pages = need(Pages, app)
    pages.add_messages(app, MESSAGES)
    app.register_blueprint(bp)
    pages.register_home_page(app, "agent", "desk.my_desk")
    # A supervisor lands on the live page (supervision), which links back to the agents and their desks.
    app.cli.add_command(desk_cli)


AREA = Area("desk", init_app, api=("desk.softphone_api",), data_files=(SCRIPTS,), migrations=True)
