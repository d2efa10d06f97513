"""`hotline simulate --url`: play a script against a running hotline over real HTTP, in real time.

With a `hotline serve` running, the script goes to the live simulator in its sandbox (found through
`--sandbox` or the instance folder's `sandbox.url`), so the REST redirects and calls the server makes
reach the simulated calls. Without one, the command plays the calls from its own sandbox and says
which TWILIO_API_URL the server would need for its REST requests to reach them.
"""
from __future__ import annotations

import time
from pathlib import Path

import click
import requests

from sandbox.rest.server import Sandbox, SandboxServer
from sandbox.rest.state import SandboxState
from sandbox.simulator import Simulator
from sandbox.simulator.script_file import load_script
from sandbox.simulator.summary import print_summary
from sandbox.twiml.transport import HttpTransport

URL_FILE = "sandbox.url"


def sandbox_url_file(settings) -> Path:
    return Path(settings.instance_dir) / URL_FILE


def simulate_remote(script_path: str, url: str, public_url: str, settings, until: float | None,
                    sandbox_url: str | None = None, speed: float = 1.0) -> int:
    path = Path(script_path).resolve()
    file = sandbox_url_file(settings)
    explicit = bool(sandbox_url)
    sandbox_url = sandbox_url or (file.read_text().strip() if file.is_file() else "")
    if sandbox_url and (explicit or answers(sandbox_url)):
        return through_live_sandbox(path, url, sandbox_url, settings, until)
    return from_own_sandbox(path, url, public_url, settings, until, speed)


def answers(sandbox_url: str) -> bool:
    """Whether the sandbox a previous `hotline serve` left in the instance folder is still there."""
    try:
        requests.get(f"{sandbox_url}/_simulator/runs/none", timeout=2)
    except requests.RequestException:
        return False
    return True


def through_live_sandbox(path: Path, url: str, sandbox_url: str, settings, until: float | None) -> int:
    auth = (settings.twilio_account_sid, settings.twilio_auth_token)
    try:
        response = requests.post(f"{sandbox_url}/_simulator/runs", auth=auth, timeout=10,
                                 json={"script": path.read_text(encoding="utf-8"), "base_dir": str(path.parent),
                                       "connect_url": url})
    except requests.RequestException as exc:
        click.echo(f"hotline simulate: the sandbox at {sandbox_url} does not answer ({exc}); is hotline serve running?",
                   err=True)
        return 2
    if response.status_code != 201:
        click.echo(f"hotline simulate: {response.json().get('message', response.text)}", err=True)
        return 2
    report, shown, started = response.json(), 0, time.monotonic()
    while True:
        for line in report["entries"]:
            click.echo(line)
        shown += len(report["entries"])
        if report["done"] or (until is not None and time.monotonic() - started > until):
            break
        time.sleep(0.5)
        report = requests.get(f"{sandbox_url}/_simulator/runs/{report['id']}", params={"after": shown}, auth=auth,
                              timeout=10).json()
    click.echo("")
    for call in report["calls"]:
        click.echo(f"{call['sid']}  {call['direction']:<13} {call['party']:<18} {call['status']:<10} "
                   f"{call['duration']:>4} s")
    for problem in report["errors"]:
        click.echo(f"  {problem}", err=True)
    return 1 if report["errors"] else 0


def from_own_sandbox(path: Path, url: str, public_url: str, settings, until: float | None, speed: float) -> int:
    state = SandboxState(settings.twilio_account_sid, settings.twilio_auth_token)
    server = SandboxServer(default=state).start()
    click.echo(f"(no running hotline serve sandbox found: REST requests of the server reach these calls only if it "
               f"runs with TWILIO_API_URL={server.url})", err=True)
    sim = Simulator(transport=HttpTransport(url, public_url, settings.twilio_auth_token),
                    sandbox=Sandbox(state, server.url), realtime=True, speed=speed,
                    ring_seconds=settings.ring_seconds, echo=lambda entry: click.echo(str(entry)))
    sim.number = settings.twilio_from_number
    sim.load(load_script(path))
    sim.run(until=until)
    server.stop()
    print_summary(sim, None)
    return 1 if sim.errors else 0
