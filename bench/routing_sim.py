"""Simulate the call center on a virtual clock through the real routing code, next to Erlang C.

    PYTHONPATH=. python bench/routing_sim.py [--agents 20] [--erlangs 16] [--hours 200] [--seed 1]
                                            [--redis-url REDIS_URL]

Without --redis-url the reservations are the in-memory implementation (same interface and the
same pure matching as the Redis one; tests/routing/test_matching.py checks they agree). With it,
every reservation is a Lua call on that scratch Redis database (its routing keys are cleared).
Same output as `hotline bench routing`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hotline.settings import DEFAULT_RING_TIMEOUT_SECONDS  # noqa: E402
from routing.rules import load_rules  # noqa: E402
from routing.sim_report import mixed_center, report, single_skill  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="routing simulation vs Erlang C")
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--erlangs", type=float, default=16.0)
    parser.add_argument("--hours", type=float, default=200.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=float(DEFAULT_RING_TIMEOUT_SECONDS),
                        help="three rings, seconds")
    parser.add_argument("--redis-url", default="")
    args = parser.parse_args()
    rules = load_rules()

    def backend():
        if not args.redis_url:
            return None
        import redis

        from routing.reservations import Reservations

        scratch = Reservations(redis.Redis.from_url(args.redis_url), rules, 10**7)
        scratch.clear()
        return scratch

    print(report(rules, single_skill(args.agents, args.erlangs, args.hours, args.seed), args.threshold,
                 "single skill, all answering", backend()))
    print(report(rules, mixed_center(args.agents, args.erlangs, args.hours / 4, args.seed), args.threshold,
                 "mixed center (6 queues, 2 languages, 5% unanswered, patience 4 min)", backend()))


if __name__ == "__main__":
    main()
