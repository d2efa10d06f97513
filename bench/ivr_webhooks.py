"""IVR webhooks under gunicorn against a bare Flask app returning constant TwiML, side by side.

    DATABASE_URL=postgresql://postgres@127.0.0.1/test REDIS_URL=redis://127.0.0.1:6379/0 \
        PYTHONPATH=. python bench/ivr_webhooks.py [--seconds 6] [--rounds 3] [--callers 50] [--think 2]

Both apps run under gunicorn with the same settings, as a deployment on this 2-core machine would:
2 worker processes of 4 threads each (`gthread`: a thread waiting on PostgreSQL leaves the core to
another request, and connections are kept alive). BENCH_GUNICORN_ARGS replaces the worker options
for both apps (e.g. "-w 2" for sync workers). 50 simulated callers (asyncio + aiohttp) walk
menu paths with signed webhook requests, following each Gather's action URL and the Redirect on
silence exactly as Twilio would. Two phases per app, measured one after the other in the same run:

- saturation: every caller sends its next request as soon as the last is answered; gives
  throughput (requests/s), and how long requests wait when the server is the bottleneck. It runs
  in `--rounds` rounds (default 3) alternating bare, IVR, bare, IVR...: the machine's drift (other
  work, CPU frequency) then weighs on both apps alike; throughput is over all of an app's rounds;
- paced: every caller waits about `--think` seconds (default 2) between requests; a real prompt
  lasts 5-30 s, so this is a caller far quicker than any human (50 callers offer ~25 requests/s);
  gives the latency a caller hears, p50 and p99, by kind of request. Callers arrive spread over
  the first think period, as real calls do, rather than all in the same millisecond (a burst of 50
  arrivals at once measures the start-up burst, not the steady state).

The load generator runs on the same cores as the servers; its own CPU time per request is printed
so that one can tell when it, not the server, sets the figures.

The IVR answers from Redis; the database side of each call (its row, its path in call_events,
the ticket that tickets files when the caller leaves for a queue) is *settled* by a job off the
caller's path (ivr/call_steps.py). No worker runs during the phases, as on a deployment whose workers
have machines of their own; afterwards one in-process RQ worker drains the backlog, and the
benchmark prints how fast (calls settled per second of its run) and checks that nothing was lost:
every call of the IVR's phases has its row and arrival, every caller who left for a queue a ticket.

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
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token-0000"
GUNICORN_WORKERS = (os.environ.get("BENCH_GUNICORN_ARGS") or "-w 2 -k gthread --threads 4").split()
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
        [sys.executable, "-m", "gunicorn", *GUNICORN_WORKERS, "-b", f"127.0.0.1:{port}", "--log-level", "warning", app_path],
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
    def __init__(self, base: str, number: int, validator: RequestValidator, seen: list["Caller"]) -> None:
        self.base = base
        self.routed = False
        seen.append(self)
        self.validator = validator
        self.sid = f"CA{random.getrandbits(128):032x}"
        # A new number per call: a caller once routed is known to tickets and skips the language menu.
        self.number = f"+86{number % 10:d}{random.randrange(10 ** 9):09d}"

    def params(self, **extra: str) -> dict[str, str]:
        return {"AccountSid": "AC" + "0" * 32, "CallSid": self.sid, "CallStatus": "in-progress",
                "Direction": "inbound", "From": self.number, "To": "+861095555", **extra}

    async def post(self, http: aiohttp.ClientSession, path: str, params: dict[str, str],
                   latencies: list[tuple[str, float]]) -> str:
        url = self.base + path
        headers = {"X-Twilio-Signature": self.validator.compute_signature(url, params)}
        started = time.perf_counter()
        async with http.post(url, data=params, headers=headers) as response:
            body = await response.text()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}: {body[:200]}")
        elapsed = time.perf_counter() - started
        kind = "incoming" if path == "/voice/incoming" else (
            "exit" if ("/voice/route" in body or "<Record" in body or "<Hangup" in body) else "menu")
        self.routed = self.routed or "/voice/route" in body
        latencies.append((kind, elapsed))
        return body


async def walk(base: str, index: int, http: aiohttp.ClientSession, stop_at: float, think: float,
               latencies: list[tuple[str, float]], validator: RequestValidator, seen: list[Caller]) -> None:
    if think:
        await asyncio.sleep(random.uniform(0, think))  # arrivals spread out, not one burst
    while time.monotonic() < stop_at:
        caller = Caller(base, index, validator, seen)
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


@dataclass
class Phase:
    latencies: list[tuple[str, float]]
    elapsed: float
    cpu: float


async def run_phase(base: str, callers: int, seconds: float, think: float,
                    seen: list[Caller] | None = None) -> Phase:
    latencies: list[tuple[str, float]] = []
    seen = seen if seen is not None else []
    validator = RequestValidator(TOKEN)
    connector = aiohttp.TCPConnector(limit=callers)
    async with aiohttp.ClientSession(connector=connector) as http:
        started, cpu_started = time.monotonic(), time.process_time()
        await asyncio.gather(*(walk(base, i, http, started + seconds, think, latencies, validator, seen)
                               for i in range(callers)))
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu_started
    return Phase(latencies, elapsed, cpu)


def summarise(phases: list[Phase]) -> dict:
    """Several rounds of one app as one phase: requests over the rounds' total time."""
    latencies = [x for phase in phases for x in phase.latencies]
    elapsed, cpu = sum(p.elapsed for p in phases), sum(p.cpu for p in phases)
    result = {"requests": len(latencies), "rps": len(latencies) / elapsed, **percentiles(latencies),
              "client_cpu_ms": 1000 * cpu / max(1, len(latencies)), "client_cpu_share": cpu / elapsed,
              "rounds_rps": [len(p.latencies) / p.elapsed for p in phases]}
    for kind in ("incoming", "menu", "exit"):
        of_kind = [x for x in latencies if x[0] == kind]
        if of_kind:
            result[kind] = percentiles(of_kind)
    return result


def percentiles(latencies: list[tuple[str, float]]) -> dict[str, float]:
    ordered = sorted(seconds for _, seconds in latencies)
    return {"p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]}


def bench_app(env: dict[str, str]):
    from hotline import create_app
    from hotline.settings import Settings

    os.environ.update(env)
    return create_app(Settings.from_env(dotenv=Path("/nonexistent")))


def settle_backlog(app, callers: list[Caller]) -> dict[str, float]:
    """Drain the settle jobs with one in-process RQ worker, then check every call reached the database."""
    from sqlalchemy import func, select

    from hotline import db
    from hotline.jobs import make_worker
    from hotline.models import Call, CallEvent
    from ivr.call_steps import sweep_buffered_steps
    from tickets.models import TicketCall

    with app.app_context():
        started, cpu = time.monotonic(), time.process_time()
        make_worker(app, ("default",), in_process=True).work(burst=True, logging_level="ERROR")
        swept = sweep_buffered_steps(older_than=0)  # callers still in the menu when the phase ended
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        sids = [c.sid for c in callers]
        routed = {c.sid for c in callers if c.routed}
        session = db.session()
        arrived = filed = 0
        for i in range(0, len(sids), 500):
            chunk = sids[i:i + 500]
            arrived += session.scalar(select(func.count(func.distinct(Call.sid))).join(CallEvent).where(
                Call.sid.in_(chunk), CallEvent.kind == "incoming")) or 0
            filed += session.scalar(select(func.count()).select_from(TicketCall).where(
                TicketCall.call_sid.in_([s for s in chunk if s in routed]))) or 0
    return {"calls": len(sids), "arrived": arrived, "routed": len(routed), "filed": filed, "swept": swept,
            "seconds": elapsed, "per_second": len(sids) / elapsed if elapsed else 0.0,
            "cpu_ms_per_call": 1000 * cpu / max(1, len(sids))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each phase (and round)")
    parser.add_argument("--rounds", type=int, default=3, help="saturation rounds per app, alternating")
    parser.add_argument("--callers", type=int, default=50)
    parser.add_argument("--think", type=float, default=2.0, help="seconds between a paced caller's requests")
    args = parser.parse_args()

    load_before = f"{os.getloadavg()[0]:.2f}"
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
    app = bench_app(env)
    with app.app_context():  # as the scheduler's `tickets.directory` job keeps it on a deployment
        from tickets.directory import rebuild

        rebuild()
    servers = [start_gunicorn("wsgi:app", ivr_port, env, ROOT),
               start_gunicorn("bare_app:app", bare_port, {**os.environ}, workdir)]
    callers: list[Caller] = []
    try:
        for port, server in zip((ivr_port, bare_port), servers):
            wait_ready(port, server)
        bases = {"bare": f"http://127.0.0.1:{bare_port}", "ivr": f"http://127.0.0.1:{ivr_port}"}
        for name, base in bases.items():  # warm the workers' connections and imports
            asyncio.run(run_phase(base, 4, 1.0, 0, callers if name == "ivr" else None))
        rounds: dict[tuple[str, str], list[Phase]] = {}
        # Saturation alternates between the apps, round by round, so that what else the machine is
        # doing weighs on both alike; each app's throughput is over all its rounds.
        for phase, think, count in (("saturation", 0.0, args.rounds), ("paced", args.think, 1)):
            for _ in range(count):
                for name in ("bare", "ivr"):
                    rounds.setdefault((name, phase), []).append(asyncio.run(run_phase(
                        bases[name], args.callers, args.seconds, think, callers if name == "ivr" else None)))
        results = {key: summarise(phases) for key, phases in rounds.items()}
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
    settled = settle_backlog(app, callers)

    print(f"{args.callers} callers, gunicorn {' '.join(GUNICORN_WORKERS)}, {args.seconds:.0f} s per phase, "
          f"{args.rounds} alternating saturation rounds, "
          f"database {database_url.split('://')[0]}, load average before/after {load_before} / {os.getloadavg()[0]:.2f}")
    print(f"{'app':6} {'phase':11} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'client cpu':>11}")
    for (name, phase), r in results.items():
        print(f"{name:6} {phase:11} {r['requests']:9d} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
              f"{r['client_cpu_ms']:5.2f} ms/req ({100 * r['client_cpu_share']:.0f}% of a core)")
    paced = results[("ivr", "paced")]
    print("ivr paced by request: " + ", ".join(
        f"{kind} p50 {paced[kind]['p50_ms']:.1f} / p99 {paced[kind]['p99_ms']:.1f} ms"
        for kind in ("incoming", "menu", "exit") if kind in paced))
    print(f"settled afterwards by one in-process worker: {settled['calls']} calls in {settled['seconds']:.1f} s "
          f"({settled['per_second']:.0f} calls/s, {settled['cpu_ms_per_call']:.1f} ms worker CPU per call, "
          f"{settled['swept']} still in the menu swept); {settled['arrived']}/{settled['calls']} calls with "
          f"their arrival, {settled['filed']}/{settled['routed']} routed calls on a ticket")
    ratio = results[("ivr", "saturation")]["rps"] / results[("bare", "saturation")]["rps"]
    rounds_ratios = [i / b for i, b in zip(results[("ivr", "saturation")]["rounds_rps"],
                                          results[("bare", "saturation")]["rounds_rps"])]
    print("ratio by round: " + ", ".join(f"{r:.2f}" for r in rounds_ratios))
    p99 = paced["p99_ms"]
    print(f"IVR webhooks: throughput ratio to bare {ratio:.2f} (target >= 0.50); paced p99 {p99:.1f} ms (target < 50)")
    lost = settled["arrived"] < settled["calls"] or settled["filed"] < settled["routed"]
    if lost:
        print("LOST: some calls did not reach the database")
    sys.exit(0 if ratio >= 0.5 and p99 < 50 and not lost else 1)


if __name__ == "__main__":
    main()
