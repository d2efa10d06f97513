"""Revisit benchmark: N resolved tickets through two RQ workers against the sandbox.

    PYTHONPATH=. python bench/revisits.py [--tickets 10000] [--rate 20] [--workers 2] [--fork]

Resolves N real tickets (through the tickets area, so every revisit starts from its
ticket_resolved signal), starts `--workers` RQ worker processes on the `outbound` queue (with RQ's
scheduler), and waits until every revisit has dialed. By default each worker runs jobs in its own
process (`hotline worker --in-process`: the outbound queue is network I/O, nothing native to isolate);
`--fork` uses `hotline worker`, which forks a work horse per job like every other queue. It then checks the sandbox, which records
every REST call the workers made:

- lost: revisits that never dialed (must be 0);
- duplicated: revisits the network was asked to call more than once (must be 0);
- rate: dialed calls per second from the first dial to the last, against the cap
  OUTBOUND_CALLS_PER_SECOND (must be within 5%).

It uses DATABASE_URL (default: the revisits development database) and REDIS_URL, which it wipes.
Calling hours are set to the whole day so the benchmark runs at any hour.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from hotline import create_app, db  # noqa: E402
from hotline.clock import FrozenClock  # noqa: E402
from hotline.migrate import upgrade  # noqa: E402
from hotline.redis_client import embedded_redis_url  # noqa: E402
from hotline.settings import Settings  # noqa: E402


def reset(database_url: str, redis_url: str) -> None:
    import redis

    engine = create_engine(database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(database_url)
    redis.Redis.from_url(redis_url).flushdb()


def resolve_tickets(app, count: int) -> None:
    """Open, work and resolve `count` tickets, one customer each, in batches."""
    from tickets import cases

    with app.app_context():
        session = db.session()
        for start in range(0, count, 200):
            for n in range(start, min(start + 200, count)):
                customer = cases.customer_for_phone(session, f"+861390{n:07d}", "zh-CN")
                customer.timezone = "Asia/Shanghai" if n % 2 else "America/New_York"
                ticket = cases.open_ticket(session, category="problem", actor="agent:1", customer=customer,
                                           assignee_id=1 + n % 20, notify=False)
                cases.move_status(session, ticket, "in_progress", "agent:1")
                cases.move_status(session, ticket, "resolved", "agent:1")
            session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=20.0, help="OUTBOUND_CALLS_PER_SECOND for the run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--fork", action="store_true", help="use `hotline worker` (a forked work horse per job)")
    args = parser.parse_args()

    # The run wipes its database and Redis: without DATABASE_URL/REDIS_URL it uses throwaway ones.
    instance = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'bench.sqlite3'}"
    redis_url = os.environ.get("REDIS_URL") or embedded_redis_url(instance / "redis")
    env = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "HOTLINE_INSTANCE_DIR": str(instance),
           "TELEPHONY": "sandbox", "CALLING_HOURS": "00:00-24:00", "OUTBOUND_CALLS_PER_SECOND": str(args.rate),
           "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "warning"), "PUBLIC_BASE_URL": "http://127.0.0.1:9"}
    settings = Settings.from_env(env, dotenv=Path("/nonexistent"))
    reset(settings.database_url, redis_url)

    # Tickets resolved an hour ago (in app time) are due now: the first attempt waits an hour to settle.
    clock = FrozenClock(datetime.now(timezone.utc) - timedelta(hours=1))
    app = create_app(settings, clock=clock)
    from hotline.gateway import get_gateway

    with app.app_context():
        sandbox_url = get_gateway().api_url
    sandbox = app.extensions["hotline.sandbox"]
    began = time.monotonic()
    resolve_tickets(app, args.tickets)
    print(f"resolved {args.tickets} tickets in {time.monotonic() - began:.1f} s; starting {args.workers} "
          f"{'forking' if args.fork else 'in-process'} workers at a cap of {args.rate:g} calls/s")

    worker_env = dict(os.environ, **env, TWILIO_API_URL=sandbox_url, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "hotline.cli", "worker", "-q", "outbound", "--with-scheduler"]
    if not args.fork:
        command.append("--in-process")
    workers = [subprocess.Popen(command, env=worker_env, cwd=ROOT, start_new_session=True)
               for _ in range(args.workers)]
    from revisits.models import Revisit, RevisitAttempt

    try:
        deadline = time.monotonic() + args.timeout
        with app.app_context():
            while time.monotonic() < deadline:
                session = db.session()
                placed = session.scalar(select(func.count()).select_from(RevisitAttempt)
                                        .where(RevisitAttempt.placed_at.is_not(None)))
                session.close()
                if placed >= args.tickets:
                    break
                time.sleep(1)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    with app.app_context():
        session = db.session()
        revisits = session.scalar(select(func.count()).select_from(Revisit))
        dialed = session.scalar(select(func.count()).select_from(Revisit).where(Revisit.call_sid.is_not(None)))
        times = sorted(t for (t,) in session.execute(select(RevisitAttempt.placed_at)
                                                    .where(RevisitAttempt.placed_at.is_not(None))))
    per_number = Counter(call["to"] for call in sandbox.calls)
    lost = revisits - len(per_number)
    duplicated = sum(n - 1 for n in per_number.values() if n > 1)
    span = (times[-1] - times[0]).total_seconds() if len(times) > 1 else 0.0
    rate = (len(times) - 1) / span if span else 0.0
    deviation = 100 * (rate - args.rate) / args.rate
    print(f"revisits scheduled: {revisits} (tickets resolved: {args.tickets})")
    print(f"revisits dialed (DB): {dialed}; calls the network received: {len(sandbox.calls)}")
    print(f"lost: {lost}; duplicated: {duplicated}")
    print(f"outbound rate: {rate:.2f} calls/s over {span:.1f} s; cap {args.rate:g}/s; deviation {deviation:+.1f}%")
    ok = revisits == args.tickets and lost == 0 and duplicated == 0 and abs(deviation) <= 5
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
