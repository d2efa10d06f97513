"""How fast tickets open when many creators race for the day's numbers, and that none repeat.

    DATABASE_URL=postgresql://postgres@127.0.0.1/test REDIS_URL=redis://127.0.0.1:6379/0 \
        PYTHONPATH=. python bench/tickets_numbering.py --tickets 400 --creators 8

Opens tickets without SMS on the database named by DATABASE_URL (SQLite in a temp folder when
unset), after migrating it; prints tickets per second and the latency percentiles of one opening.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from hotline import create_app, db
from hotline.migrate import upgrade
from hotline.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=400)
    parser.add_argument("--creators", type=int, default=8)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    env = {k: v for k, v in os.environ.items() if k in {"DATABASE_URL", "REDIS_URL"}}
    env.update(HOTLINE_INSTANCE_DIR=str(folder), TELEPHONY="sandbox")
    settings = Settings.from_env(env, dotenv=Path("/nonexistent"))
    upgrade(settings.database_url)
    app = create_app(settings)
    from tickets import cases

    latencies: list[float] = []
    numbers: list[str] = []
    lock = threading.Lock()
    per_creator = args.tickets // args.creators
    barrier = threading.Barrier(args.creators)

    def creator(index: int) -> None:
        barrier.wait()
        for n in range(per_creator):
            started = time.perf_counter()
            with app.app_context():
                session = db.session()
                customer = cases.customer_for_phone(session, f"+86139{index:02d}{n:06d}")
                ticket = cases.open_ticket(session, category="inquiry", actor="bench", customer=customer, notify=False)
                session.commit()
            with lock:
                latencies.append(time.perf_counter() - started)
                numbers.append(ticket.number)

    threads = [threading.Thread(target=creator, args=(i,)) for i in range(args.creators)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    assert len(set(numbers)) == len(numbers), "a number was handed out twice"
    print(f"{len(numbers)} tickets by {args.creators} creators on {settings.database_url.split(':')[0]}: "
          f"{len(numbers) / elapsed:.0f} tickets/s, p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms, all numbers unique")


if __name__ == "__main__":
    main()
