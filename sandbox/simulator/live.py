"""The sandbox playing calls in real time against a running hotline (what `hotline serve` starts).

The live simulator answers the calls the app's workers place (revisits), sends SMS delivery
callbacks, and plays scripts submitted by `hotline simulate --url`, all over real HTTP, signed.
Because it is attached to the very sandbox the web and worker processes use (TWILIO_API_URL), REST
redirects and hang-ups the app makes reach the calls it plays.

Scripts reach it through the REST server's control API (sandbox/rest/control.py), which calls
`submit` and `report` on the `LiveSimulator` attached to the sandbox's state.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from sandbox.engine.sids import new_sid
from sandbox.rest.server import ensure_sandbox
from sandbox.rest.state import SandboxError
from sandbox.simulator import Simulator
from sandbox.simulator.remote import sandbox_url_file
from sandbox.simulator.script_file import ScriptError, parse_script
from sandbox.twiml.legs import SimCall
from sandbox.twiml.transport import HttpTransport

log = logging.getLogger(__name__)


@dataclass
class Run:
    id: str
    calls: list[SimCall] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)
    origin: float = 0.0  # the simulator's clock when the run began: its timeline counts from there

    def done(self) -> bool:
        return self.started.is_set() and all(not call.alive for call in self.calls)


class LiveSimulator:
    def __init__(self, sandbox, settings, connect_url: str, speed: float = 1.0) -> None:
        self.transport = HttpTransport(connect_url, settings.public_base_url, settings.twilio_auth_token)
        self.sim = Simulator(transport=self.transport, sandbox=sandbox, realtime=True, speed=speed,
                             ring_seconds=settings.ring_seconds)
        self.sim.number = settings.twilio_from_number
        self.runs: dict[str, Run] = {}
        self.stopped = False
        sandbox.state.live = self
        self.thread = threading.Thread(target=self._loop, name="hotline-live-simulator", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self.stopped:
            try:
                self.sim.engine.run(idle=lambda: not self.stopped, stop=lambda: self.stopped)
            except Exception:  # one broken call must not stop the simulator for the others
                log.exception("live simulator: a simulated call failed")

    def stop(self) -> None:
        self.stopped = True
        self.sim.engine.post(lambda: None)  # wake the loop
        self.thread.join(5)

    def submit(self, text: str, base_dir: str = ".", connect_url: str | None = None) -> Run:
        try:
            script = parse_script(text, "script", base_dir)
        except ScriptError as exc:
            raise SandboxError(400, 21000, str(exc)) from exc
        run = Run(new_sid("SR"))
        self.runs[run.id] = run

        def start() -> None:
            if connect_url:
                self.transport.connect_url = connect_url.rstrip("/")
            run.origin = self.sim.engine.now
            run.calls = self.sim.load(script)
            run.started.set()

        self.sim.engine.post(start)
        run.started.wait(5)
        return run

    def report(self, run: Run, after: int) -> dict[str, Any]:
        mine = {call.sid for call in run.calls}
        # Dialed legs and calls the app placed while the run's calls were live belong to it too.
        mine |= {c.sid for c in self.sim.calls if c.parent is not None and c.parent.sid in mine}
        entries = [e for e in list(self.sim.timeline) if getattr(e.call, "sid", "") in mine]
        return {"id": run.id, "done": run.done(), "entries": [e.line(run.origin) for e in entries[after:]],
                "count": len(entries),
                "calls": [{"sid": c.sid, "direction": c.direction, "party": c.party, "status": c.status,
                           "duration": c.duration} for c in self.sim.calls if c.sid in mine],
                "errors": [err for call in run.calls for err in call.errors]}


def serve_sandbox(app) -> LiveSimulator:
    """In `hotline serve`: play calls on the app's sandbox against the local web server, and leave the
    sandbox's URL in the instance folder for `hotline simulate --url`."""
    settings = app.config["HOTLINE_SETTINGS"]
    sandbox = ensure_sandbox(settings, app)
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    live = LiveSimulator(sandbox, settings, f"http://{host}:{settings.port}")
    sandbox_url_file(settings).write_text(sandbox.base_url + "\n")
    return live
