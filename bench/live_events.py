"""What one viewer of a live transcript costs the server: GET /api/calls/<sid>/live/events.

    PYTHONPATH=. python bench/live_events.py [--requests 300] [--entries 2000] [--viewers 40]

Builds a throwaway app (bench/throwaway.py), a call whose transcript already has `--entries` entries, signs a supervisor in and times,
in-process (the server's own time: sign-in check, the call's row, the access policy, one XREAD), the
requests the pages make: EventSource with `wait=0`, reconnecting a second after each response
(`retry: 1000`) with Last-Event-ID. Cases: nothing new since the last one (a quiet call), one new
phrase, and the first request of a page opened mid-call (every entry so far). A viewer makes one
such request a second, so its share of one web worker is one request's wall time a second; the
default `wait` (25 s) would hold a sync worker for the whole 25 s instead.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # bench/revisits.py must not shadow the revisits package

SID = "CA" + "7" * 32


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--viewers", type=int, default=40)
    args = parser.parse_args()

    from bench.throwaway import percentile, throwaway_app
    from hotline import db
    from hotline.models import Call
    from hotline.redis_client import get_redis
    from live import transcript_store
    from people.users import create_user
    from tests.conftest import PASSWORD, sign_in

    bench = throwaway_app("live-events-bench-")
    app, client = bench.app, bench.client
    phrase = {"type": "phrase", "speaker": "caller", "index": 0, "start": 1.0, "end": 2.0, "final": True,
              "text": "我家的宽带从昨天晚上开始就一直断线"}
    with app.app_context():
        db.session().add(Call(sid=SID, from_number="+8613800138000", to_number="+864001234567", status="in-progress"))
        create_user(db.session(), login="lead", name="赵班长", password=PASSWORD, role="supervisor")
        db.session().commit()
        for start in range(0, args.entries, 500):
            transcript_store.append(get_redis(), SID, [phrase] * min(500, args.entries - start), 3600)
        last = transcript_store.read_call(get_redis(), SID)[-1][0]
    sign_in(client, "lead")
    url = f"/api/calls/{SID}/live/events?wait=0"

    def timed(after: str | None, new: int = 0) -> tuple[list[float], list[float], int]:
        wall, cpu, size = [], [], 0
        for _ in range(args.requests):
            if new:
                with app.app_context():
                    transcript_store.append(get_redis(), SID, [phrase] * new, 3600)
            headers = {"Last-Event-ID": after} if after else {}
            w, c = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers)
            body = response.get_data()
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
            assert response.status_code == 200, body
            size = len(body)
            if new:
                after = body.decode().rsplit("id: ", 1)[1].split("\n", 1)[0]
        return wall, cpu, size

    print(f"live transcript events (wait=0), {args.requests} requests a case, {bench.backend}, in-process, "
          f"a transcript of {args.entries} entries")
    quiet = None
    for name, after, new in (("nothing new", last, 0), ("one new phrase", last, 1), ("opened mid-call", None, 0)):
        wall, cpu, size = timed(after, new)
        quiet = quiet or statistics.median(wall)
        print(f"  {name:16} wall p50 {statistics.median(wall):6.2f} ms  p99 {percentile(wall, 0.99):6.2f} ms  "
              f"cpu p50 {statistics.median(cpu):6.2f} ms  {size} bytes")
    print(f"  {args.viewers} viewers of quiet calls, one request a second each: {args.viewers * quiet / 1000:.3f} "
          f"of one web worker (with wait=25: {args.viewers} workers held)")


if __name__ == "__main__":
    main()
