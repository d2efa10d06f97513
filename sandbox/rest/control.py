"""The live simulator's control API on the sandbox REST server (`hotline simulate --url`).

  POST /_simulator/runs        {"script": YAML text, "base_dir": folder for audio paths}
  GET  /_simulator/runs/<id>?after=N   timeline entries after the Nth, call summaries, done

HTTP Basic auth with the account SID and auth token. The REST server only routes these to the
`LiveControl` attached to the sandbox's state (`state.live`, set by the simulator layer's
`LiveSimulator`), so the server needs nothing from the layers above it.
"""
from __future__ import annotations

from typing import Any, Protocol

from flask import Blueprint, jsonify, request

from sandbox.rest.common import authorized, state
from sandbox.rest.state import SandboxError

control = Blueprint("sandbox_control", __name__, url_prefix="/_simulator")


class LiveControl(Protocol):
    runs: dict[str, Any]

    def submit(self, text: str, base_dir: str = ".", connect_url: str | None = None) -> Any:
        """Start the calls of a script (YAML text); a script that does not parse is a SandboxError."""

    def report(self, run: Any, after: int) -> dict[str, Any]:
        """The run's timeline entries after the `after`th, its calls, errors and whether it is done."""


def _live():
    sandbox = state()
    if not authorized():
        return None, (jsonify(code=20003, message="Authenticate", status=401), 401)
    live: LiveControl | None = getattr(sandbox, "live", None)
    if live is None:
        return None, (jsonify(code=20404, message="this sandbox has no live simulator (start it with hotline serve)",
                              status=404), 404)
    return live, None


@control.post("/runs")
def submit_run():
    live, problem = _live()
    if problem:
        return problem
    body = request.get_json(silent=True) or {}
    try:
        run = live.submit(str(body.get("script", "")), str(body.get("base_dir", ".")), body.get("connect_url"))
    except SandboxError as exc:
        return jsonify(code=exc.code, message=exc.message, status=exc.status), exc.status
    return jsonify(live.report(run, 0)), 201


@control.get("/runs/<run_id>")
def run_report(run_id: str):
    live, problem = _live()
    if problem:
        return problem
    run = live.runs.get(run_id)
    if run is None:
        return jsonify(code=20404, message=f"no run {run_id}", status=404), 404
    return jsonify(live.report(run, request.args.get("after", 0, type=int)))
