"""IVR webhooks under gunicorn against a bare Flask app returning constant TwiML, side by side.

    DATABASE_URL=postgresql://postgres@127.0.0.1/hotline_bench REDIS_URL=redis://127.0.0.1:6379/2 \
        PYTHONPATH=. python bench/ivr_webhooks.py [--seconds 8] [--callers 50]

Both apps run under gunicorn with 2 sync workers. 50 simulated callers (asyncio + aiohttp) walk
menu paths with signed webhook requests, following each Gather's action URL and the Redirect on
silence exactly as Twilio would. Two phases per app, measured one after the other in the same run:

- saturation: every caller sends its next request as soon as the last is answered; gives
  throughput (requests/s), and how long requests wait when the server is the bottleneck;
- paced: every caller waits 0.5 s between requests (a fast caller's key presses; 50 callers offer
  ~100 requests/s); gives the latency a caller hears, p50 and p99.

Targets (issue 3): paced p99 under 50 ms; IVR throughput at least half the bare app's.
Without DATABASE_URL the IVR uses SQLite, where two processes writing serialise; use PostgreSQL.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token-0000"
BARE_APP = '''
from flask import Flask, Response
app = Flask(__name__)
TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/voice/ivr/choose?node=main" '
         'input="dtmf speech" numDigits="1"><Say>Hello</Say></Gather><Redirect>/voice/ivr/choose?node=main</Redirect>'
         '</Response>')

@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def constant(path):
    return Response(TWIML, mimetype="text/xml")
'''
# Keys pressed after the call is answered: language, then a way through the menu.
PATHS = [["1", "3"], ["2", "1"], ["1", "5", "2"], ["2", "9", "4"], ["1", "*", "0"], ["2", "5", "#", "2"],
         ["1", "", "2"], ["2", "0"]]
ACTION = re.compile(r'<Gather[^>]* action="([^"]+)"')
REDIRECT = re.compile(r"<Redirect[^>]*>([^<]+)</Redirect>")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app_path: str, port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app_path],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on {port} exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn on {port} did not start")


class Caller:
    def __init__(self, base: str, number: int, validator: RequestValidator) -> None:
        self.base = base
        self.validator = validator
        self.sid = f"CA{random.getrandbits(128):032x}"
        self.number = f"+86138{number:08d}"

    def params(self, **extra: str) -> dict[str, str]:
        return {"AccountSid": "AC" + "0" * 32, "CallSid": self.sid, "CallStatus": "in-progress",
                "Direction": "inbound", "From": self.number, "To": "+861095555", **extra}

    async def post(self, http: aiohttp.ClientSession, path: str, params: dict[str, str],
                   latencies: list[float]) -> str:
        url = self.base + path
        headers = {"X-Twilio-Signature": self.validator.compute_signature(url, params)}
        started = time.perf_counter()
        async with http.post(url, data=params, headers=headers) as response:
            body = await response.text()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}: {body[:200]}")
        latencies.append(time.perf_counter() - started)
        return body


async def walk(base: str, index: int, http: aiohttp.ClientSession, stop_at: float, think: float,
               latencies: list[float], validator: RequestValidator) -> None:
    while time.monotonic() < stop_at:
        caller = Caller(base, index, validator)
        body = await caller.post(http, "/voice/incoming", caller.params(CallStatus="ringing"), latencies)
        for key in random.choice(PATHS):
            if time.monotonic() >= stop_at:
                return
            if think:
                await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))
            gather, redirect = ACTION.search(body), REDIRECT.search(body)
            if gather is None and redirect is None:
                break  # handed to a queue or a message: the IVR's part of this call is done
            if key == "":  # silence: Twilio runs the Redirect after the Gather
                body = await caller.post(http, (redirect or gather).group(1).replace("&amp;", "&"),
                                         caller.params(), latencies)
            else:
                body = await caller.post(http, (gather or redirect).group(1).replace("&amp;", "&"),
                                         caller.params(Digits=key), latencies)


async def run_phase(base: str, callers: int, seconds: float, think: float) -> dict[str, float]:
    latencies: list[float] = []
    validator = RequestValidator(TOKEN)
    connector = aiohttp.TCPConnector(limit=callers)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.monotonic()
        await asyncio.gather(*(walk(base, i, http, started + seconds, think, latencies, validator)
                               for i in range(callers)))
        elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {"requests": len(ordered), "rps": len(ordered) / elapsed,
            "p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    parser.add_argument("--callers", type=int, default=50)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    (workdir / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'hotline.sqlite3'}"
    sys.path.insert(0, str(ROOT))
    from hotline.migrate import upgrade
    from hotline.settings import Settings

    upgrade(Settings.from_env({"DATABASE_URL": database_url}, dotenv=Path("/nonexistent")).database_url)
    ivr_port, bare_port = free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "TELEPHONY": "sandbox", "TWILIO_AUTH_TOKEN": TOKEN,
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{ivr_port}", "HOTLINE_INSTANCE_DIR": str(workdir),
           "LOG_LEVEL": "warning", "PYTHONPATH": str(ROOT)}
    servers = [start_gunicorn("wsgi:app", ivr_port, env, ROOT),
               start_gunicorn("bare_app:app", bare_port, {**os.environ}, workdir)]
    try:
        wait_ready(ivr_port, servers[0])
        wait_ready(bare_port, servers[1])
        bases = {"bare": f"http://127.0.0.1:{bare_port}", "ivr": f"http://127.0.0.1:{ivr_port}"}
        asyncio.run(run_phase(bases["ivr"], 4, 1.0, 0))  # warm both workers' connections and imports
        asyncio.run(run_phase(bases["bare"], 4, 1.0, 0))
        results = {}
        for phase, think in (("saturation", 0.0), ("paced", 0.5)):
            for name in ("bare", "ivr"):
                results[(name, phase)] = asyncio.run(run_phase(bases[name], args.callers, args.seconds, think))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)

    print(f"{args.callers} callers, gunicorn -w 2, {args.seconds:.0f} s per phase, database "
          f"{database_url.split('://')[0]}")
    print(f"{'app':6} {'phase':11} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for (name, phase), r in results.items():
        print(f"{name:6} {phase:11} {r['requests']:9d} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f}")
    ratio = results[("ivr", "saturation")]["rps"] / results[("bare", "saturation")]["rps"]
    p99 = results[("ivr", "paced")]["p99_ms"]
    print(f"throughput ratio ivr/bare: {ratio:.2f} (target >= 0.50); paced ivr p99 {p99:.1f} ms (target < 50)")
    sys.exit(0 if ratio >= 0.5 and p99 < 50 else 1)


if __name__ == "__main__":
    main()
