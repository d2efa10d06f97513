"""The `hotline` command: the Flask CLI with hotline's own groups.

    hotline db upgrade            migrate the database to the newest schema
    hotline worker [-q QUEUE]     run an RQ worker (graceful on SIGTERM)
    hotline scheduler             enqueue the periodic jobs and move due delayed jobs (one process)
    hotline healthcheck [-q Q]    exit 0 when the database and Redis answer and each queue has a live worker
    hotline tokens create N ROLE  mint an API token
    hotline webhooks              print the URLs to paste into the Twilio console
    hotline serve                 everything `make run` starts, supervised (hotline/serve.py)
    hotline check [--tree DIR]    validate every operator data file; exit 1 listing every problem
    hotline calendar import FILE  load one year's holidays and make-up working days (hotline/calendar_cli.py)

Areas add their own (`hotline ivr check`, `hotline simulate`, `hotline transcribe`...).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy import text

from hotline import db, sandbox_plugin
from hotline.api.auth import mint_token
from hotline.areas import areas
from hotline.calendar import CALENDAR
from hotline.calendar_cli import calendar_cli
from hotline.cli_app import create_app_for_cli
from hotline.data_files import check_all
from hotline.db import get_db
from hotline.demo.command import demo
from hotline.jobs import LIVE_WITHIN_SECONDS, QUEUES, live_workers, make_worker
from hotline.migrate import upgrade
from hotline.redis_client import get_redis
from hotline.scheduler import run_scheduler
from hotline.serve import connection_lines, framed, serve as run_everything
from hotline.settings import PROJECT_ROOT, Settings, SettingsError

db_cli = AppGroup("db", help="Database schema.")
tokens_cli = AppGroup("tokens", help="API tokens.")

@db_cli.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every migration (all areas) up to the newest."""
    upgrade(current_app.config["HOTLINE_SETTINGS"].database_url)
    click.echo("database is at the newest schema")


@tokens_cli.command("create")
@click.argument("name")
@click.argument("role", type=click.Choice(["admin", "supervisor", "agent", "qa"]))
@click.option("--agent-id", type=int, default=None)
@with_appcontext
def tokens_create(name: str, role: str, agent_id: int | None) -> None:
    """Mint a token; its secret is printed once."""
    _, secret = mint_token(name, role, agent_id)
    db.session().commit()
    click.echo(secret)


@click.command("worker")
@click.option("-q", "--queue", "queues", multiple=True, help="Queues to serve (default: all).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--with-scheduler", is_flag=True, help="Also move due enqueue_at jobs to their queues.")
@click.option("--in-process", is_flag=True,
              help="Run jobs in this process instead of a fork per job (for -q outbound; not transcription).")
@with_appcontext
def worker(queues: tuple[str, ...], burst: bool, with_scheduler: bool, in_process: bool) -> None:
    """Run an RQ worker that executes jobs inside the app.

    On SIGTERM or SIGINT the running job gets WORKER_GRACE_SECONDS to finish, then is re-queued.
    """
    app = current_app._get_current_object()
    try:
        w = make_worker(app, queues or QUEUES, in_process=in_process)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    w.work(burst=burst, with_scheduler=with_scheduler, logging_level=app.config["HOTLINE_SETTINGS"].log_level)


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Enqueue the periodic jobs declared by the areas, and move delayed jobs to their queues when due."""
    run_scheduler(current_app._get_current_object())


@click.command("healthcheck")
@click.option("-q", "--queue", "queues", multiple=True, help="Queues that need a live worker (default: all).")
@with_appcontext
def healthcheck(queues: tuple[str, ...]) -> None:
    """Exit 0 if the database and Redis answer and every queue has a live worker, 1 otherwise."""
    unknown = set(queues) - set(QUEUES)
    if unknown:
        raise click.UsageError(f"unknown queue {', '.join(sorted(unknown))}; queues are {', '.join(QUEUES)}")
    try:
        with get_db().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        get_redis().ping()
        live = live_workers(current_app._get_current_object())
    except Exception as exc:
        click.echo(f"unhealthy: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    missing = []
    for name in queues or QUEUES:
        workers = live[name]
        beats = ", ".join(f"{w.name[:8]} pid {w.pid} {w.get_state()}" for w in workers)
        click.echo(f"queue {name}: {len(workers)} live worker{'s' if len(workers) != 1 else ''}"
                   + (f" ({beats})" if beats else f" (no heartbeat within {LIVE_WITHIN_SECONDS} s)"))
        if not workers:
            missing.append(name)
    if missing:
        click.echo(f"unhealthy: no live worker for {', '.join(missing)}", err=True)
        sys.exit(1)
    click.echo("healthy")


@click.command("webhooks")
@with_appcontext
def webhooks() -> None:
    """Print the webhook URLs to paste into the Twilio console (and the sandbox's signing token)."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    sandbox_url = None
    if settings.is_sandbox:
        plugin = sandbox_plugin.installed()
        sandbox_url = ((plugin.running_url(settings) if plugin else None) or settings.twilio_api_url
                       or ("(started by `hotline serve`)" if plugin else f"(not installed: {sandbox_plugin.INSTALL})"))
    click.echo(framed(connection_lines(settings, sandbox_url)))


@click.command("serve")
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes")
def serve(workers: int) -> None:
    """Run web, workers, scheduler (and the embedded Redis), supervised; stop them all on exit."""
    try:
        code = run_everything(workers)
    except SettingsError as exc:
        click.echo(f"hotline: configuration error: {exc}", err=True)
        code = 2
    sys.exit(code)


def sandbox_missing(name: str) -> click.Command:
    """Stands in for a sandbox command when the sandbox is not installed: says how to get it."""

    @click.command(name, add_help_option=False, context_settings={"ignore_unknown_options": True,
                                                                  "allow_extra_args": True})
    def missing() -> None:
        click.echo(f"hotline {name}: the Twilio sandbox is not installed: {sandbox_plugin.INSTALL}", err=True)
        sys.exit(2)

    missing.help = f"(needs the sandbox: {sandbox_plugin.INSTALL})"
    return missing


class AppCommands(AppGroup):
    """The app's commands, the sandbox's (`hotline simulate`, `hotline sandbox ...`) loaded only when
    one of them is asked for: every process builds the app, and one on Twilio (web, workers) must
    not import the sandbox."""

    SANDBOX_COMMANDS = ("simulate", "sandbox")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.SANDBOX_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.SANDBOX_COMMANDS and name not in self.commands:
            plugin = sandbox_plugin.installed()
            if plugin is None:
                return sandbox_missing(name)
            plugin.register_commands(self)
        return super().get_command(ctx, name)


@click.command("check")
@click.option("--tree", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="A copy of the source tree holding edited files (e.g. DIR/routing/queues.yaml): "
                   "check those instead of the configured ones.")
def check(tree: Path | None) -> None:
    """Validate every operator data file (IVR menu, queue rules, scripts, QA rules, SMS wording,
    calendar...) where the settings put it; exit 1 listing every problem in every file."""
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        click.echo(f"hotline: configuration error: {exc}", err=True)
        sys.exit(2)
    passed, problems = check_all(data_files(), settings, tree=tree, root=PROJECT_ROOT)
    for line in passed:
        click.echo(line)
    for line in problems:
        click.echo(f"error: {line}")
    if problems:
        click.echo(f"{len(problems)} problem(s); the hotline would refuse these files", err=True)
        sys.exit(1)


def data_files() -> list:
    """Every declared operator file: the plumbing's, then each area's (`AREA.data_files`)."""
    return [CALENDAR, *(spec for area in areas() for spec in area.data_files)]


def register_commands(app: Flask) -> None:
    commands = AppCommands(app.cli.name)
    commands.commands.update(app.cli.commands)  # the blueprints' groups, registered before this
    app.cli = commands
    for command in (db_cli, tokens_cli, worker, scheduler, healthcheck, webhooks, check, calendar_cli):
        app.cli.add_command(command)


def main() -> None:
    cli = FlaskGroup(name="hotline", create_app=create_app_for_cli, add_default_commands=True,
                     add_version_option=False, load_dotenv=False)
    # On the group itself, not the app: serve starts the embedded Redis it supervises before any app exists.
    cli.add_command(serve)
    cli.add_command(check)  # on the group too: it must run when a broken file would stop the app
    cli.add_command(calendar_cli)  # likewise: it edits the file a broken app could not start with
    # On the group too: it starts `hotline serve` before it makes an app. Imported here, not at the
    # top, so other commands do not load the demo's HTTP client.

    cli.add_command(demo)
    cli.main(prog_name="hotline")


if __name__ == "__main__":
    main()
