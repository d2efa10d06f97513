"""Reservation speed and safety against a real Redis.

    PYTHONPATH=. python bench/routing_reserve.py [--redis REDIS_URL]

1. Latency: 5,000 agents (random skills, levels, languages) and 2,000 callers waiting; the time
   of one reservation for a freed agent (choosing among the waiting callers) and for a new caller
   (choosing among the agents), median and 99th percentile.
2. Race: 8 processes, each making 2,000 reservations for callers they and the others put in line,
   every reservation checked by an independent SET NX claim: no agent double-booked, no caller
   reaching two agents, and at the end every caller reserved exactly once (none lost).
The Redis database given is cleared of routing keys: use a scratch database.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402

from routing.matching import AgentView, WaitingCall, call_priority  # noqa: E402
from routing.reservations import Reservations  # noqa: E402
from routing.rules import load_rules  # noqa: E402

RULES = load_rules()
QUEUES = list(RULES.queues)
TTL = 3600


def connect(url: str) -> Reservations:
    return Reservations(redis.Redis.from_url(url), RULES, TTL)


def random_agent(rng: random.Random, agent_id: int, status: str, now: float) -> AgentView:
    skills = {q: rng.randint(1, 5) for q in QUEUES if rng.random() < 0.35} or {"inquiry": rng.randint(1, 5)}
    languages = ("zh-CN", "en-US") if rng.random() < 0.25 else ("zh-CN",)
    return AgentView(agent_id, skills, languages, status, now - rng.uniform(0, 600))


def latency(url: str, agents: int = 5000, waiting: int = 2000, samples: int = 1000, seed: int = 1) -> dict:
    res = connect(url)
    res.clear()
    rng = random.Random(seed)
    now = time.time()
    views = [random_agent(rng, i, "on_call", now) for i in range(1, agents + 1)]
    pipe_start = time.perf_counter()
    for view in views:
        res.put_agent(view, "", "", now)
    calls = 0

    def new_call() -> WaitingCall:
        nonlocal calls
        calls += 1
        queue = rng.choice(QUEUES)
        return WaitingCall(f"CA{calls:032d}", queue, "zh-CN" if rng.random() < 0.8 else "en-US",
                           call_priority(RULES.queues[queue], rng.random() < 0.05, RULES.vip_boost),
                           now - rng.uniform(0, 300))

    for _ in range(waiting):
        res.enqueue(new_call())
    setup = time.perf_counter() - pipe_start
    for_agent, for_call = [], []
    for _ in range(samples):
        view = rng.choice(views)
        res.redis.hset(f"routing:agent:{view.id}", "status", "on_call")
        res.set_status(view.id, "available", time.time())
        started = time.perf_counter()
        sid = res.reserve_for_agent(view.id, view.skills, time.time())
        for_agent.append(time.perf_counter() - started)
        if sid:
            res.answer(view.id, sid, time.time())
            res.enqueue(new_call())  # keep the line at `waiting`
        else:
            res.set_status(view.id, "on_call", time.time())
    # A new caller, with a tenth of the agents free to choose from.
    for view in rng.sample(views, agents // 10):
        res.set_status(view.id, "available", time.time(), allowed_from=("on_call",))
    for _ in range(samples):
        call = new_call()
        res.enqueue(call)
        started = time.perf_counter()
        agent_id = res.reserve_for_call(call, time.time())
        for_call.append(time.perf_counter() - started)
        if agent_id is not None:  # free them again so the pool stays the same size
            res.release(agent_id, call.sid, "available", time.time())
        else:
            res.finish_call(call.sid, time.time())
    res.clear()

    def summary(values: list[float]) -> dict:
        values = sorted(values)
        return {"median_ms": statistics.median(values) * 1000, "p99_ms": values[int(len(values) * .99)] * 1000}

    return {"agents": agents, "waiting": waiting, "setup_seconds": setup,
            "reserve_for_freed_agent": summary(for_agent), "reserve_for_new_caller": summary(for_call)}


def _race_worker(url: str, worker: int, target: int, hold: int, seed: int, out) -> None:
    res = connect(url)
    checks = res.redis
    rng = random.Random(seed + worker)
    held: list[tuple[int, str]] = []
    made = double_booked = two_agents = enqueued = 0

    def claimed(agent_id: int, sid: str) -> None:
        nonlocal made, double_booked, two_agents
        made += 1
        if not checks.set(f"race:holder:{agent_id}", sid, nx=True):
            double_booked += 1
        if not checks.set(f"race:call:{sid}", agent_id, nx=True):
            two_agents += 1
        checks.incr("race:reservations")
        held.append((agent_id, sid))

    def complete_oldest(take_next: bool = True) -> None:
        agent_id, sid = held.pop(0)
        res.answer(agent_id, sid, time.time())
        checks.delete(f"race:holder:{agent_id}")  # before the agent can be reserved again
        res.release(agent_id, sid, "available", time.time())
        view = res.agent_view(agent_id)
        got = res.reserve_for_agent(agent_id, view.skills, time.time()) if take_next else None
        if got:
            claimed(agent_id, got)

    while made < target:
        sid = f"W{worker}-{enqueued}"
        enqueued += 1
        call = WaitingCall(sid, "inquiry", "zh-CN", 10, time.time())
        res.enqueue(call)
        checks.incr("race:calls")
        agent_id = res.reserve_for_call(call, time.time())
        if agent_id is not None:
            claimed(agent_id, sid)
        while len(held) > hold or (held and rng.random() < 0.3):
            complete_oldest()
    while held:
        complete_oldest(take_next=False)
    out.put({"worker": worker, "made": made, "double_booked": double_booked, "two_agents": two_agents,
             "enqueued": enqueued})


def race(url: str, processes: int = 8, per_process: int = 2000, agents: int = 16, hold: int = 3, seed: int = 1) -> dict:
    """Processes fight over `agents` agents (fewer than they want to hold, so callers queue)."""
    res = connect(url)
    res.clear()
    for key in res.redis.scan_iter(match="race:*"):
        res.redis.delete(key)
    now = time.time()
    for agent_id in range(1, agents + 1):
        res.put_agent(AgentView(agent_id, {"inquiry": 1 + agent_id % 5}, ("zh-CN",), "available", now), "", "", now)
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    started = time.perf_counter()
    workers = [ctx.Process(target=_race_worker, args=(url, w, per_process, hold, seed, out)) for w in range(processes)]
    for w in workers:
        w.start()
    results = [out.get(timeout=600) for _ in workers]
    for w in workers:
        w.join()
    # Callers still in line when every worker stopped are served now, by whichever agent is free.
    drained = 0
    for agent_id in range(1, agents + 1):
        while True:
            view = res.agent_view(agent_id)
            sid = res.reserve_for_agent(agent_id, view.skills, time.time())
            if not sid:
                break
            if not res.redis.set(f"race:call:{sid}", agent_id, nx=True):
                results.append({"made": 0, "double_booked": 0, "two_agents": 1, "enqueued": 0})
            res.redis.incr("race:reservations")
            drained += 1
            res.answer(agent_id, sid, time.time())
            res.release(agent_id, sid, "available", time.time())
    elapsed = time.perf_counter() - started
    calls = int(res.redis.get("race:calls") or 0)
    reserved_calls = sum(1 for _ in res.redis.scan_iter(match="race:call:*", count=1000))
    report = {
        "processes": processes, "reservations_per_process": [r["made"] for r in results if "worker" in r],
        "reservations": int(res.redis.get("race:reservations") or 0), "calls": calls, "drained_at_end": drained,
        "double_booked": sum(r["double_booked"] for r in results), "calls_on_two_agents": sum(r["two_agents"] for r in results),
        "calls_lost": calls - reserved_calls, "still_waiting": sum(res.waiting_by_queue().values()),
        "seconds": elapsed,
    }
    res.clear()
    for key in res.redis.scan_iter(match="race:*", count=1000):
        res.redis.delete(key)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""),
                        help="a Redis URL (default: REDIS_URL, else an embedded Redis in a temporary folder)")
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    if not args.redis:
        import tempfile
        from pathlib import Path

        from hotline.redis_client import embedded_redis_url

        args.redis = embedded_redis_url(Path(tempfile.mkdtemp(prefix="hotline-bench-")))
    lat = latency(args.redis, samples=args.samples)
    print(f"latency with {lat['agents']} agents and {lat['waiting']} waiting callers (setup {lat['setup_seconds']:.1f} s):")
    for name in ("reserve_for_freed_agent", "reserve_for_new_caller"):
        print(f"  {name:26} median {lat[name]['median_ms']:.3f} ms   p99 {lat[name]['p99_ms']:.3f} ms")
    r = race(args.redis)
    print(f"race: {r['processes']} processes x {min(r['reservations_per_process'])}+ reservations "
          f"({r['reservations']} in all, {r['calls']} callers, {r['drained_at_end']} of them still in line "
          f"when the workers stopped) in {r['seconds']:.1f} s")
    print(f"  double-booked agents {r['double_booked']}, callers on two agents {r['calls_on_two_agents']}, "
          f"callers lost {r['calls_lost']}, still waiting {r['still_waiting']}")
    ok = lat["reserve_for_freed_agent"]["median_ms"] < 1 and lat["reserve_for_new_caller"]["median_ms"] < 1 and \
        r["double_booked"] == r["calls_on_two_agents"] == r["calls_lost"] == r["still_waiting"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
