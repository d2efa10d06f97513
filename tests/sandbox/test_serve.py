"""`make run` works with no server installed: `hotline serve` on SQLite + embedded Redis answers /readyz,
takes a signed call, and hosts the one sandbox its web and worker processes share."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from hotline.gateway.twilio_gateway import RebasedHttpClient
from hotline.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN
from tests.support.processes import children_of, command_line, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_serve_starts_answers_readyz_and_a_signed_call(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "HOTLINE_EMBEDDED_REDIS_URL", "TWILIO_API_URL",
                        "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TELEPHONY", "PUBLIC_BASE_URL"}}
    env.update(HOTLINE_INSTANCE_DIR=str(tmp_path), PORT=str(port), PYTHONPATH=str(ROOT), LOG_LEVEL="warning",
               MEDIA_PORT=str(free_port()))
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        serve = subprocess.Popen([sys.executable, "-m", "hotline.cli", "serve", "--workers", "1"], cwd=ROOT, env=env,
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # five processes start side by side on a shared, busy machine
        ready = None
        while time.monotonic() < deadline:
            try:
                ready = requests.get(f"{base}/readyz", timeout=3)
                if ready.status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still loading the app
                pass
            assert serve.poll() is None, log.read_text()
            time.sleep(0.2)
        assert ready is not None and ready.status_code == 200, log.read_text()

        params = {"AccountSid": SANDBOX_ACCOUNT_SID, "CallSid": "CA" + "5" * 32, "CallStatus": "ringing",
                  "Direction": "inbound", "From": "+8613800138000", "To": "+861095555", "ApiVersion": "2010-04-01"}
        signature = RequestValidator(SANDBOX_AUTH_TOKEN).compute_signature(f"{base}/voice/incoming", params)
        answer = requests.post(f"{base}/voice/incoming", data=params, headers={"X-Twilio-Signature": signature},
                               timeout=5)
        assert answer.status_code == 200 and "<Say" in answer.text
        forged = requests.post(f"{base}/voice/incoming", data=params, headers={"X-Twilio-Signature": "x"}, timeout=5)
        assert forged.status_code == 403

        # The serve process hosts the sandbox and told its children where it is.
        deadline = time.monotonic() + 90  # printed once every process is ready, after /readyz may answer
        while not (printed := re.search(r"Sandbox telephony at (http://\S+);", log.read_text())):
            assert time.monotonic() < deadline and serve.poll() is None, log.read_text()
            time.sleep(0.2)
        children = [pid for pid in children_of(serve.pid) if b"redis-server" not in command_line(pid)]
        assert len(children) == 5, children  # web, two workers, scheduler, media (the embedded Redis left out)
        for child in children:  # web, workers, scheduler and media all use that one sandbox
            environ = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
            assert f"TWILIO_API_URL={printed.group(1)}".encode() in environ
        client = Client(SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, http_client=RebasedHttpClient(printed.group(1)))
        assert client.messages.create(to="+8613800138000", from_="+15005550006", body="hi").status == "queued"

        # Its live simulator plays a call against the gunicorn workers in real time.
        script = "calls:\n  - url: /voice/route?queue=inquiry\n    hangup_after: 1\n"
        auth = (SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN)
        run = requests.post(f"{printed.group(1)}/_simulator/runs", json={"script": script}, auth=auth, timeout=5)
        assert run.status_code == 201, run.text
        report = run.json()
        deadline = time.monotonic() + 8
        while not report["done"] and time.monotonic() < deadline:
            time.sleep(0.3)
            report = requests.get(f"{printed.group(1)}/_simulator/runs/{report['id']}", auth=auth, timeout=5).json()
        assert report["done"] and report["calls"][0]["status"] == "completed", report
        engine = create_engine(f"sqlite:///{tmp_path / 'hotline.sqlite3'}")
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT status FROM calls WHERE sid = :sid"),
                                        {"sid": report["calls"][0]["sid"]}).scalar_one()
        engine.dispose()
        assert stored == "completed"
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
