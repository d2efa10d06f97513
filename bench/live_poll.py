"""What one viewer of the live supervisor page costs the server: one poll of /supervisor/live.json.

    PYTHONPATH=. python bench/live_poll.py [--polls 200] [--agents 60] [--waiting 25] [--calls 4000]

Builds a throwaway app (SQLite and the embedded Redis under a temp folder, or an EMPTY DATABASE_URL/REDIS_URL):
`--agents` agents (half available, the rest on a break), `--waiting` callers in line through routing's
webhook, and `--calls` callers earlier today spread over the day (so the half-hour chart has every
slot), signs a supervisor in and times the poll in-process (the server's own time: routing, Redis,
the SQL, the JSON). 50 viewers each polling every `poll_seconds` (supervision/targets.yaml) ask
50 / poll_seconds polls a second; their cost as a share of one core is that rate times one poll's
CPU time.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # bench/revisits.py must not shadow the revisits package


def add_the_day(app, calls: int, agents: list[int]) -> None:
    """Callers earlier today, one every few seconds since midnight: answered, abandoned, short abandons."""
    from hotline import db, local_time
    from hotline.clock import now
    from routing.models import RoutedCall

    with app.app_context():
        session = db.session()
        start = local_time.start_of_day(now(), app.config["HOTLINE_SETTINGS"].timezone)
        step = max((now() - start).total_seconds() - 60, 60) / calls
        for i in range(calls):
            at = start + timedelta(seconds=i * step)
            kind = i % 10
            answered = at + timedelta(seconds=5 + kind * 3) if kind < 8 else None
            session.add(RoutedCall(call_sid=f"CB{i:032d}", queue=("inquiry", "problem", "complaint")[i % 3],
                                   language="zh-CN", priority=5, entered_at=at,
                                   outcome="answered" if answered else "abandoned", offers=1,
                                   agent_id=agents[i % len(agents)] if answered else None, answered_at=answered,
                                   ended_at=answered + timedelta(seconds=180) if answered else None,
                                   abandoned_at=None if answered else at + timedelta(seconds=4 + 30 * (kind - 8))))
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--waiting", type=int, default=25)
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--viewers", type=int, default=50)
    args = parser.parse_args()

    from bench.throwaway import percentile, throwaway_app
    from hotline import db
    from people.users import create_user
    from supervision.targets import current_targets

    bench = throwaway_app("live-bench-")
    app, client, settings, admin = bench.app, bench.client, bench.settings, bench.admin
    agents = []
    for n in range(args.agents):
        agents.append(client.post("/api/agents", headers=admin, json={
            "name": f"坐席{n:03d}", "address": f"client:agent{n}", "skills": {"inquiry": 3, "problem": 3},
            "languages": ["en-US"], "status": "break"}).get_json()["id"])
    add_the_day(app, args.calls, agents)
    from tests.conftest import TwilioRequests  # the signed webhook requests the tests send

    twilio = TwilioRequests(app.test_client(), settings)
    for n in range(args.waiting):  # Chinese callers; the agents speak English only: they wait
        response = twilio.post(f"/voice/route?queue={('inquiry', 'problem')[n % 2]}",
                               twilio.call_params(f"CW{n:032d}", CallStatus="in-progress"))
        assert response.status_code == 200, response.get_data(as_text=True)
    for agent in agents[: args.agents // 2]:
        client.patch(f"/api/agents/{agent}", headers=admin, json={"status": "available"})
    with app.app_context():
        create_user(db.session(), login="lead", name="赵班长", password="bench password 1", role="supervisor")
        db.session().commit()
        poll_seconds, cache_ms = current_targets().live.poll_seconds, current_targets().live.cache_ms
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/signin", data={"login": "lead", "password": "bench password 1", "csrf_token": token})
    body = client.get("/supervisor/live.json").get_json()
    assert body["tiles"]["waiting"] == args.waiting, body["tiles"]
    assert sum(body["chart"]["offered"]) >= args.calls

    from hotline.redis_client import get_redis

    def forget() -> None:  # the poll that computes the shared copy, every time
        with app.app_context():
            for key in get_redis().scan_iter(match="hotline:supervision:live:*"):
                get_redis().delete(key)

    def timed(computing: bool) -> tuple[list[float], list[float]]:
        wall, cpu = [], []
        for _ in range(args.polls):
            if computing:
                forget()
            w, c = time.perf_counter(), time.process_time()
            response = client.get("/supervisor/live.json")
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
            assert response.status_code == 200
        return wall, cpu

    wall, cpu = timed(True)
    shared_wall, _ = timed(False)
    size = len(client.get("/supervisor/live.json").data)
    backend = bench.backend
    rate = args.viewers / poll_seconds
    print(f"live supervisor poll, {args.polls} polls, {backend}, in-process: {args.agents} agents, "
          f"{args.waiting} waiting, {args.calls} calls today, {size} bytes")
    computed, shared = statistics.median(wall), statistics.median(shared_wall)
    print(f"  computing poll  wall p50 {computed:6.1f} ms  p99 {percentile(wall, 0.99):6.1f} ms  "
          f"cpu p50 {statistics.median(cpu):6.1f} ms (this process)")
    print(f"  shared poll     wall p50 {shared:6.1f} ms  p99 {percentile(shared_wall, 0.99):6.1f} ms")
    computing_rate = 1000 / max(cache_ms, 1) if cache_ms else rate  # per language, whole cluster
    cost = min(rate, computing_rate) * computed + max(rate - computing_rate, 0) * shared
    print(f"  {args.viewers} viewers polling every {poll_seconds} s: {rate:.1f} polls/s; without sharing "
          f"{rate * computed / 1000:.2f} of one core; sharing for {cache_ms} ms (one language) "
          f"{cost / 1000:.2f} of one core")


if __name__ == "__main__":
    main()
