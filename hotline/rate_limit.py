"""Fixed-window rate limits in Redis, shared by every web worker: `hit(key, limit, window_seconds)`.

A fixed window (one counter per key, expiring `window_seconds` after its first hit) is one round
trip and one small key; at a window's edge it lets up to twice the limit through in a short time,
which is fine for what it guards (guessing passwords, numbers), where the slow rules (lock-out)
do the fine counting. The hit is counted before the guarded work starts, so parallel requests
cannot all pass a check that a later write would have failed.
"""
from __future__ import annotations

from dataclasses import dataclass

from hotline.redis_client import get_redis


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int  # hits in the current window, this one included
    retry_after: int  # seconds until the window ends (for the Retry-After header)


def hit(key: str, limit: int, window_seconds: int) -> Verdict:
    """Count one hit on `key`; allowed while the window's count is at most `limit`."""
    pipe = get_redis().pipeline(transaction=True)
    # SET NX EX starts the window with its expiry in the same step; INCR alone could leave a
    # counter without one (a crash between INCR and EXPIRE), which would refuse forever.
    pipe.set(key, 0, ex=window_seconds, nx=True)
    pipe.incr(key)
    pipe.ttl(key)
    _, count, ttl = pipe.execute()
    return Verdict(count <= limit, count, max(1, ttl if ttl > 0 else window_seconds))


def used(key: str) -> int:
    """Hits counted on `key` in its current window, without counting one."""
    return int(get_redis().get(key) or 0)
