"""A circuit breaker: after a run of failures, stop trying a dependency for a cool-down, then probe.

Pure and thread-safe, with the clock passed in (seconds, monotonic), so it is tested on a fake
clock. The Redis client (hotline.redis_client) asks `allow()` before each connection it hands out
and reports each socket's outcome, so with Redis down a webhook skips it at once instead of waiting
for a timeout on every command.

States: *closed* (every call allowed), *open* (`failures` failures in a row: nothing allowed for
`cooldown` seconds), then one *probe*: the first `allow()` after the cool-down passes and opens the
breaker for another cool-down, so only that call waits on the dependency; its success closes the
breaker, its failure keeps it open, and a probe that never reports simply frees the next one.
"""
from __future__ import annotations

import threading
import time
from typing import Callable


class CircuitBreaker:
    def __init__(self, failures: int, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        if failures < 1 or cooldown <= 0:
            raise ValueError("a circuit breaker needs failures >= 1 and a positive cooldown")
        self.failures_to_open = failures
        self.cooldown = cooldown
        self._clock = clock
        self.failures_in_a_row = 0  # reset by any success; read by callers as a cheap "all well?" test
        self._closed_again_at = 0.0  # while open: when the next probe may pass
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self.failures_in_a_row >= self.failures_to_open

    @property
    def state(self) -> str:
        if not self.is_open:
            return "closed"
        return "open" if self._clock() < self._closed_again_at else "probing"

    def allow(self) -> bool:
        """May the caller use the dependency now? Closed: a plain attribute read, no lock or clock."""
        if self.failures_in_a_row < self.failures_to_open:
            return True
        with self._lock:
            if self.failures_in_a_row < self.failures_to_open:
                return True
            moment = self._clock()
            if moment < self._closed_again_at:
                return False
            self._closed_again_at = moment + self.cooldown  # this caller is the probe
            return True

    def record_failure(self) -> bool:
        """One failure; returns True when this failure opened the breaker (for a log line)."""
        with self._lock:
            was_open = self.failures_in_a_row >= self.failures_to_open
            self.failures_in_a_row += 1
            if self.failures_in_a_row >= self.failures_to_open:
                self._closed_again_at = self._clock() + self.cooldown
            return not was_open and self.failures_in_a_row >= self.failures_to_open

    def record_success(self) -> bool:
        """One success; returns True when it closed an open breaker (for a log line)."""
        if not self.failures_in_a_row:  # the healthy case: nothing to change, no lock
            return False
        with self._lock:
            was_open = self.failures_in_a_row >= self.failures_to_open
            self.failures_in_a_row = 0
            self._closed_again_at = 0.0
            return was_open
