"""What a conference costs per answered call over the old direct dial (issue 16, item 10), side by side.

    REDIS_URL=redis://127.0.0.1:6379/<n> PYTHONPATH=. python bench/conference_cost.py [--calls 30] [--rounds 3]

Each round plays the same calls through the call simulator in-process twice, once with
ROUTING_CONFERENCE off (the caller's `<Dial>` rings the agent) and once on (the agent rung over REST,
both in a conference, the caller's leg recorded), alternating which goes first, each on a fresh
SQLite database and a flushed Redis. Callers arrive every 20 s and are answered at once by one of
10 agents; every caller hangs up first after 60 s, so both modes end every conversation the same way.

Counted per answered call: the webhook requests Twilio (the simulator) sends the app, by kind, and
the server time the app spends on them (WSGI time, measured around the app). In-process, the REST
requests the app makes to the sandbox (ringing the agent, the redirect, the recording) are inside
that time; on Twilio they are a network round trip each instead, usually slower.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import redis

from hotline import create_app
from hotline.clock import FrozenClock
from hotline.migrate import upgrade
from hotline.settings import Settings
from sandbox.simulator import Simulator

AGENTS = 10


class Timed:
    """WSGI middleware: the server time of every request (the body is drained inside the timing)."""

    def __init__(self, wsgi) -> None:
        self.wsgi, self.seconds, self.requests = wsgi, 0.0, 0

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        body = list(self.wsgi(environ, start_response))
        if environ.get("PATH_INFO", "").startswith(("/voice", "/recordings")):
            self.seconds += time.perf_counter() - started
            self.requests += 1
        return body


def play(conference: bool, calls: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        settings = dataclasses.replace(Settings.for_tests(Path(folder)), routing_conference=conference)
        redis.Redis.from_url(settings.redis_url).flushdb()
        upgrade(settings.database_url)
        app = create_app(settings, clock=FrozenClock())
        client = app.test_client()
        auth = {"Authorization": f"Bearer {settings.admin_token}"}
        sim = Simulator(app)
        for n in range(AGENTS):
            created = client.post("/api/agents", headers=auth, json={
                "name": f"agent {n}", "address": f"client:agent{n}", "skills": {"inquiry": 3},
                "languages": ["zh-CN"], "status": "available"})
            assert created.status_code == 201, created.get_json()
            sim.agent(f"client:agent{n}", answer_after_rings=1, talk_seconds=None)
        timed = Timed(app.wsgi_app)
        app.wsgi_app = timed
        for n in range(calls):
            sim.call(from_=f"+86138{n:08d}", url="/voice/route?queue=inquiry", at=n * 20, hangup_after=60)
        sim.run()
        assert not sim.errors, sim.errors[:3]
        kinds = Counter(request.kind for request in sim.requests)
        answered = sum(1 for leg in sim.calls if leg.direction == "inbound" and leg.recordings)
        assert answered == calls, f"{answered} of {calls} answered and recorded"
        return {"requests": timed.requests / calls, "ms": 1000 * timed.seconds / calls,
                "kinds": {kind: count / calls for kind, count in sorted(kinds.items())}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[bool, list[dict]] = {False: [], True: []}
    for round_ in range(args.rounds):
        for conference in ((False, True) if round_ % 2 == 0 else (True, False)):
            results[conference].append(play(conference, args.calls))
    for conference, name in ((False, "direct dial"), (True, "conference")):
        runs = results[conference]
        print(f"{name:12} requests/call {statistics.median(r['requests'] for r in runs):5.1f}  "
              f"server ms/call median {statistics.median(r['ms'] for r in runs):6.1f} "
              f"(rounds: {', '.join(format(r['ms'], '.1f') for r in runs)})  by kind: {runs[0]['kinds']}")
    dial, conf = (statistics.median(r["ms"] for r in results[c]) for c in (False, True))
    dial_n, conf_n = (statistics.median(r["requests"] for r in results[c]) for c in (False, True))
    print(f"conference / direct dial: requests x{conf_n / dial_n:.2f}, server time x{conf / dial:.2f}")


if __name__ == "__main__":
    logging.disable(logging.INFO)
    main()
