"""Real time over real HTTP: the live simulator `hotline serve` runs, driven by `hotline simulate --url`."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from hotline import db
from hotline.gateway import get_gateway
from hotline.models import Call
from sandbox.simulator.live import LiveSimulator
from tests.sandbox.twiml_app import TwimlApp

pytestmark = pytest.mark.slow  # the live simulator in real time

EXAMPLE = Path(__file__).resolve().parents[2] / "sandbox" / "examples" / "welcome.yaml"


def test_simulate_url_plays_the_script_through_the_serving_sandbox(app, live_server, runner, settings):
    sandbox = app.extensions["hotline.sandbox"]
    live = LiveSimulator(sandbox, settings, live_server.url, speed=20)
    result = runner.invoke(args=["simulate", "--url", live_server.url, "--sandbox", sandbox.base_url, str(EXAMPLE)])
    live.stop()
    assert result.exit_code == 0, result.output
    assert "POST /voice/incoming -> 200" in result.output
    assert "status callback completed -> /voice/status: HTTP 204" in result.output
    with app.app_context():
        [call] = db.session().scalars(select(Call)).all()
        assert call.status == "completed" and call.sid in result.output


def test_the_live_simulator_answers_calls_the_app_places(app, live_server, settings):
    TwimlApp(app, {"/answer": "<Say>Hello from the revisit</Say>"})
    sandbox = app.extensions["hotline.sandbox"]
    live = LiveSimulator(sandbox, settings, live_server.url, speed=20)
    with app.app_context():
        placed = get_gateway().place_call("+8613800138000", f"{settings.public_base_url}/twiml/answer",
                                          status_callback=f"{settings.public_base_url}/voice/status")
    # The live loop runs in its own thread: wait on the sandbox's record of the call.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and sandbox.find_call(placed.sid)["status"] != "completed":
        time.sleep(0.1)
    live.stop()
    assert sandbox.find_call(placed.sid)["status"] == "completed"
    assert live.sim.find(placed.sid).said == ["Hello from the revisit"]


def test_control_endpoints_need_the_account_credentials(app, settings):
    sandbox = app.extensions["hotline.sandbox"]
    assert requests.post(f"{sandbox.base_url}/_simulator/runs", json={}, timeout=5).status_code == 401
    no_live = requests.post(f"{sandbox.base_url}/_simulator/runs", json={"script": ""}, timeout=5,
                            auth=(settings.twilio_account_sid, settings.twilio_auth_token))
    assert no_live.status_code == 404 and "hotline serve" in no_live.json()["message"]


def test_simulate_url_without_a_serving_sandbox_plays_from_its_own(app, live_server, runner, settings):
    # The test server signs against PUBLIC_BASE_URL, not the loopback port it listens on.
    result = runner.invoke(args=["simulate", "--url", live_server.url, "--public-url", settings.public_base_url,
                                 "--speed", "20", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "no running hotline serve sandbox found" in result.output
    assert "POST /voice/incoming -> 200" in result.output and "completed" in result.output
    with app.app_context():
        assert db.session().scalars(select(Call)).one().status == "completed"


def test_a_runs_timeline_counts_from_its_start_not_the_servers(app, live_server, settings):
    sandbox = app.extensions["hotline.sandbox"]
    live = LiveSimulator(sandbox, settings, live_server.url, speed=20)
    try:
        time.sleep(1.5)  # the sandbox has been up for some 30 simulated seconds before anyone calls
        run = live.submit(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE.parent), live_server.url)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not run.done():
            time.sleep(0.1)
        entries = live.report(run, 0)["entries"]
    finally:
        live.stop()
    assert entries and float(entries[0].split("s")[0]) < 2.0, entries[0]
