"""Global outbound pacing: a token bucket in Redis that every worker on every machine shares.

Twilio queues API-created calls beyond the account's calls-per-second and answers 429/20429 to
bursts; carriers throttle SMS. One bucket per channel keeps the whole fleet under the cap.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import redis

_SCRIPT = (Path(__file__).with_name("pacing.lua")).read_text(encoding="utf-8")


@dataclass
class TokenBucket:
    connection: redis.Redis
    key: str
    rate: float  # tokens per second
    burst: float = 1.0
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self._script = self.connection.register_script(_SCRIPT)

    def try_take(self, max_wait: float = 0.0) -> tuple[bool, float]:
        """Take a token if one is free within `max_wait` seconds: (taken, seconds to wait / retry in)."""
        granted, seconds = self._script(keys=[self.key], args=[self.rate, self.burst, max_wait])
        return bool(int(granted)), float(seconds)

    def take(self, timeout: float = 300.0, max_wait: float = 2.0) -> bool:
        """Block until this worker's turn (at most `timeout` seconds); False if it never came."""
        deadline = time.monotonic() + timeout
        while True:
            granted, seconds = self.try_take(max_wait)
            if granted:
                if seconds > 0:
                    self.sleep(seconds)
                return True
            if time.monotonic() + seconds > deadline:
                return False
            self.sleep(min(seconds, max_wait))


def outbound_bucket(connection: redis.Redis, channel: str, rate: float) -> TokenBucket:
    """The fleet-wide bucket for `channel` ("calls" or "sms") at `rate` per second.

    It holds at most one second of tokens: a worker held up for a moment catches up within that
    second (Twilio queues such a burst at the account's rate), and over any longer period the
    fleet never goes above the cap.
    """
    return TokenBucket(connection, f"hotline:pacing:{channel}", rate, burst=max(1.0, rate))
