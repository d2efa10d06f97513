"""The `hotline` command: the Flask CLI with hotline's own groups.

    hotline db upgrade            migrate the database to the newest schema
    hotline worker [-q QUEUE]     run an RQ worker (add --with-scheduler on one of them)
    hotline scheduler             enqueue the periodic jobs (SLA sweeps, revisit sweeper...)
    hotline healthcheck           exit 0 when the database and Redis answer
    hotline tokens create N ROLE  mint an API token
    hotline webhooks              print the URLs to paste into the Twilio console
    hotline serve                 everything `make run` starts: web, worker, scheduler

Areas add their own (`hotline ivr check`, `hotline simulate`, `hotline transcribe`...).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy import text

from hotline.settings import SettingsError

db_cli = AppGroup("db", help="Database schema.")
tokens_cli = AppGroup("tokens", help="API tokens.")

WEBHOOKS = (
    ("A call comes in (Voice URL)", "/voice/incoming"),
    ("Call status changes", "/voice/status"),
    ("Recording status", "/recordings/status"),
    ("A message comes in (Messaging URL)", "/sms/incoming"),
    ("Message status", "/sms/status"),
)


@db_cli.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every migration (all areas) up to the newest."""
    from hotline.migrate import upgrade

    upgrade(current_app.config["HOTLINE_SETTINGS"].database_url)
    click.echo("database is at the newest schema")


@tokens_cli.command("create")
@click.argument("name")
@click.argument("role", type=click.Choice(["admin", "supervisor", "agent", "qa"]))
@click.option("--agent-id", type=int, default=None)
@with_appcontext
def tokens_create(name: str, role: str, agent_id: int | None) -> None:
    """Mint a token; its secret is printed once."""
    from hotline import db
    from hotline.api.auth import mint_token

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
    """Run an RQ worker that executes jobs inside the app."""
    from hotline.jobs import QUEUES, make_worker

    app = current_app._get_current_object()
    try:
        w = make_worker(app, queues or QUEUES, in_process=in_process)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    w.work(burst=burst, with_scheduler=with_scheduler, logging_level=app.config["HOTLINE_SETTINGS"].log_level)


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Enqueue the periodic jobs declared by the areas, each on its interval."""
    from rq.cron import CronScheduler

    from hotline.redis_client import get_redis

    cron = CronScheduler(connection=get_redis())
    for job in current_app.extensions.get("hotline.periodic", []):
        cron.register(job.func, queue_name=job.queue, interval=job.interval, kwargs=job.kwargs, name=job.name)
    cron.start()


@click.command("healthcheck")
@with_appcontext
def healthcheck() -> None:
    """Exit 0 if the database and Redis answer, 1 otherwise (for container health checks)."""
    from hotline.db import get_db
    from hotline.redis_client import get_redis

    try:
        with get_db().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        get_redis().ping()
    except Exception as exc:
        click.echo(f"unhealthy: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    click.echo("healthy")


@click.command("webhooks")
@with_appcontext
def webhooks() -> None:
    """Print the webhook URLs to paste into the Twilio console."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    for label, path in WEBHOOKS:
        click.echo(f"  {label:38} POST {settings.public_base_url}{path}")


@click.command("serve")
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes")
@with_appcontext
def serve(workers: int) -> None:
    """Migrate, then run gunicorn, an RQ worker with its scheduler, and the periodic scheduler."""
    from hotline.migrate import upgrade

    settings = current_app.config["HOTLINE_SETTINGS"]
    upgrade(settings.database_url)
    env = dict(os.environ)
    env["HOTLINE_EMBEDDED_REDIS_URL"] = current_app.config["HOTLINE_REDIS_URL"]
    if settings.is_sandbox and not settings.twilio_api_url:
        from hotline.gateway import get_gateway
        from hotline.sandbox.live import serve_sandbox

        env["TWILIO_API_URL"] = get_gateway().api_url or ""
        serve_sandbox(current_app._get_current_object())  # plays calls the app places; `hotline simulate --url`
    multiproc = settings.instance_dir / "prometheus"
    multiproc.mkdir(parents=True, exist_ok=True)
    for stale in multiproc.glob("*.db"):
        stale.unlink()
    env["PROMETHEUS_MULTIPROC_DIR"] = str(multiproc)
    python = sys.executable
    children = [
        subprocess.Popen([python, "-m", "gunicorn", "-w", str(workers), "-b", f"{settings.host}:{settings.port}",
                          "--access-logfile", "-", "wsgi:app"], env=env),
        subprocess.Popen([python, "-m", "hotline.cli", "worker", "--with-scheduler"], env=env),
        subprocess.Popen([python, "-m", "hotline.cli", "scheduler"], env=env),
    ]
    click.echo(f"hotline is serving on http://{settings.host}:{settings.port}")
    click.echo("Paste these into your Twilio number's configuration:")
    for label, path in WEBHOOKS:
        click.echo(f"  {label:38} POST {settings.public_base_url}{path}")
    if settings.is_sandbox:
        click.echo(f"Sandbox telephony at {env.get('TWILIO_API_URL')}; webhook signing token: "
                   f"{settings.twilio_auth_token}")
    stop = {"now": False}

    def _stop(*_args) -> None:
        stop["now"] = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    while not stop["now"] and all(child.poll() is None for child in children):
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def register_commands(app: Flask) -> None:
    from hotline.sandbox.cli import register as register_sandbox_commands

    for command in (db_cli, tokens_cli, worker, scheduler, healthcheck, webhooks, serve):
        app.cli.add_command(command)
    register_sandbox_commands(app)  # hotline simulate, hotline sandbox serve
    from hotline.demo.cli import register as register_first_hour_commands
    register_first_hour_commands(app)  # hotline models, hotline demo


def _create_app_for_cli() -> Flask:
    from hotline import create_app

    try:
        return create_app()
    except SettingsError as exc:
        click.echo(f"hotline: configuration error: {exc}", err=True)
        sys.exit(2)


def main() -> None:
    cli = FlaskGroup(name="hotline", create_app=_create_app_for_cli, add_default_commands=True,
                     add_version_option=False, load_dotenv=False)
    cli.main(prog_name="hotline")


if __name__ == "__main__":
    main()
