"""`hotline demo`: the walkthrough in one command, at any hour, in under a minute.

It starts what `make run` starts (unless a hotline already answers), with HOTLINE_DEMO=true so the
center is open at every hour; creates the demo agent (available) and two people who sign in; plays
a call whose key and words match the menu through the sandbox; reports how long the caller took to
reach the agent, measured by the agent's status in the API; and prints where the pages are, how to
sign in and the admin token.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import requests

from hotline import db, sandbox_plugin
from hotline.areas import readiness_lines
from hotline.cli_app import create_app_for_cli
from hotline.demo.people import DemoError, demo_token, ensure_agent, ensure_users
from hotline.settings import Settings, SettingsError

CALL_SCRIPT = Path(__file__).with_name("call.yaml")
READY_SECONDS = 120  # a cold first start migrates a new database and loads everything
CALL_LIMIT_SECONDS = 90


@click.command("demo")
@click.option("--url", default=None, help="Use the hotline already running there (default: HOST:PORT, "
                                          "started with HOTLINE_DEMO=true when nothing answers).")
@click.option("--exit", "exit_after", is_flag=True, help="Stop after the call instead of serving on.")
def demo(url: str | None, exit_after: bool) -> None:
    """Open the center, create an agent and people who sign in, play a call to the agent, print the pages."""
    # No app before the server: `hotline serve` owns the embedded Redis and refuses to share one that
    # another process started, so this command's app connects only once the server is up.

    try:
        settings = Settings.from_env()
        sandbox_plugin.require("hotline demo")  # it plays its call through the server's sandbox
    except SettingsError as exc:
        click.echo(f"hotline: configuration error: {exc}", err=True)
        sys.exit(2)
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    base = (url or f"http://{host}:{settings.port}").rstrip("/")
    server = None
    try:
        if not _answers(base):
            if url:
                raise DemoError(f"nothing answers at {base}; start it with `HOTLINE_DEMO=true make run`, "
                                f"or run `hotline demo` without --url")
            server = _start_server(settings, base)
        elif not settings.demo:
            click.echo(f"using the hotline already running at {base}; unless it was started with "
                       f"HOTLINE_DEMO=true, the call follows its business hours")
        app = create_app_for_cli()
        click.echo(_report(app, settings, base, open_always=server is not None or settings.demo))
        if server is not None and not exit_after:
            click.echo("Press Ctrl-C to stop.")
            _wait(server)
    except DemoError as exc:
        click.echo(f"hotline demo: {exc}", err=True)
        sys.exit(1)
    finally:
        if server is not None:
            _stop(server)


def _report(app, settings, base: str, open_always: bool) -> str:
    with app.app_context():
        session = db.session()
        token = settings.admin_token or demo_token()
        session.commit()
    agent_id = ensure_agent(base, token)
    signins = ensure_users(base, token, agent_id)
    seconds = _play_call(settings, base, token, agent_id)
    lead = next(s for s in signins if s.role == "supervisor")
    agent = next(s for s in signins if s.role == "agent")
    token_line = ("the HOTLINE_ADMIN_TOKEN you set" if settings.admin_token else
                  f"{token}\n    (minted for this demo; set HOTLINE_ADMIN_TOKEN before `make run` to choose your "
                  f"own, or `hotline tokens create NAME admin`)")
    lines = [
        "",
        "=" * 78,
        f"The call reached the demo agent in {seconds:.0f} s"
        + (" (the center is open at every hour in demo mode)." if open_always else "."),
        f"Start here: {base}/   (sign-in: {base}/signin)",
        f"  agent desk     {base}/desk         sign in as {agent.login} / {agent.password}",
        f"  supervisor     {base}/supervisor   sign in as {lead.login} / {lead.password}",
        f"  QA reviews     {base}/qa/          sign in as {lead.login} / {lead.password}",
        f"Admin API token (Authorization: Bearer ...): {token_line}",
        *readiness_lines(settings),
        f"Another call: hotline simulate --url {base} {_shown(CALL_SCRIPT)}",
        "=" * 78,
    ]
    return "\n".join(lines)


def _play_call(settings, base: str, token: str, agent_id: int) -> float:
    """Play the demo call through the server's sandbox; seconds until the agent was on the call."""
    play = sandbox_plugin.require("hotline demo").play_script
    started = time.monotonic()
    outcome: dict[str, int] = {}
    player = threading.Thread(target=lambda: outcome.update(code=play(CALL_SCRIPT, base, settings)), daemon=True)
    player.start()
    headers = {"Authorization": f"Bearer {token}"}
    answered = None
    while time.monotonic() - started < CALL_LIMIT_SECONDS and player.is_alive():
        try:
            agent = requests.get(f"{base}/api/agents/{agent_id}", headers=headers, timeout=5).json()
        except (requests.RequestException, ValueError):
            agent = {}
        if agent.get("status") == "on_call":
            answered = time.monotonic() - started
            break
        time.sleep(0.25)
    player.join(CALL_LIMIT_SECONDS)
    if answered is None:
        raise DemoError(f"the call did not reach the demo agent within {CALL_LIMIT_SECONDS} s; if this hotline "
                        f"was not started by `hotline demo`, start it with HOTLINE_DEMO=true (see the timeline above)")
    return answered


def _start_server(settings, base: str) -> subprocess.Popen:
    env = dict(os.environ, HOTLINE_DEMO="true")
    log_path = settings.instance_dir / "demo-serve.log"
    click.echo(f"starting hotline (as `make run` does, with HOTLINE_DEMO=true) on {base}; its log: {_shown(log_path)}")
    log = log_path.open("ab")
    server = subprocess.Popen([sys.executable, "-m", "hotline.cli", "serve"], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise DemoError(f"hotline serve stopped (exit {server.returncode}) before it was ready: "
                            f"{_last_line(log_path)}")
        if _answers(base, "/readyz"):
            return server
        time.sleep(0.5)
    _stop(server)
    raise DemoError(f"hotline serve was not ready after {READY_SECONDS} s; see {log_path}")


def _answers(base: str, path: str = "/healthz") -> bool:
    try:
        return requests.get(base + path, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _wait(server: subprocess.Popen) -> None:
    try:
        server.wait()
    except KeyboardInterrupt:
        pass


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _last_line(path: Path) -> str:
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(nothing logged)"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
