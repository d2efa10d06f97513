"""`hotline simulate SCRIPT.yaml` and `hotline sandbox serve`."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from sandbox.rest.server import Sandbox, SandboxServer
from sandbox.rest.state import SandboxState
from sandbox.simulator import Simulator
from sandbox.simulator.live import LiveSimulator
from sandbox.simulator.remote import simulate_remote
from sandbox.simulator.script_file import ScriptError, load_script
from sandbox.simulator.summary import print_summary
from sandbox.simulator.throwaway import logs_to_file, simulation_app

sandbox_cli = AppGroup("sandbox", help="The Twilio-compatible sandbox.")


@click.command("simulate")
@click.argument("script", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", default=None, help="A running hotline (real HTTP, real time) instead of this app in-process.")
@click.option("--public-url", default=None, help="The PUBLIC_BASE_URL that server signs against (default: --url).")
@click.option("--sandbox", "sandbox_url", default=None,
              help="The sandbox of that hotline serve (default: read from the instance folder).")
@click.option("--speed", type=float, default=1.0, show_default=True,
              help="With --url and no running sandbox: virtual seconds per real second.")
@click.option("--until", type=float, default=None, help="Stop after this many (virtual) seconds.")
@click.option("--live", is_flag=True,
              help="In-process: write into the configured database and Redis (default: a throwaway copy).")
@with_appcontext
def simulate(script: str, url: str | None, public_url: str | None, sandbox_url: str | None, speed: float,
             until: float | None, live: bool) -> None:
    """Play the calls in SCRIPT against hotline and print their timeline."""
    try:
        loaded = load_script(script)
    except ScriptError as exc:
        click.echo(f"hotline simulate: {exc}", err=True)
        sys.exit(2)
    app = current_app._get_current_object()
    settings = app.config["HOTLINE_SETTINGS"]
    if url:
        sys.exit(simulate_remote(script, url, public_url or url, settings, until, sandbox_url,
                                 speed))
    log_path = settings.instance_dir / "simulate.log"
    with logs_to_file(log_path), simulation_app(app, live) as target:
        sim = Simulator(target, echo=lambda entry: click.echo(str(entry)))
        sim.load(loaded)
        sim.run(until=until)
        print_summary(sim, target)
    where = "the configured database (--live)" if live else "a throwaway database, now removed (--live keeps them)"
    click.echo(f"\ncalls written to {where}; the app's log: {log_path}")
    sys.exit(1 if sim.errors else 0)


@sandbox_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5099, show_default=True, type=int)
@click.option("--play", "app_url", default=None, help="Also play calls in real time against hotline at this URL.")
@with_appcontext
def serve(host: str, port: int, app_url: str | None) -> None:
    """Run the sandbox REST server alone (point hotline at it with TWILIO_API_URL)."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    state = SandboxState(settings.twilio_account_sid, settings.twilio_auth_token)
    server = SandboxServer(host, port, default=state)
    click.echo(f"sandbox REST API on {server.url} (account {settings.twilio_account_sid}); "
               f"run hotline with TWILIO_API_URL={server.url}")
    if app_url:
        LiveSimulator(Sandbox(state, server.url), settings, app_url)
        click.echo(f"playing calls against {app_url}; send scripts with "
                   f"hotline simulate --url {app_url} --sandbox {server.url} SCRIPT.yaml")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def register(cli: click.Group) -> None:
    cli.add_command(simulate)
    cli.add_command(sandbox_cli)
