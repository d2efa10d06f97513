"""The circuit breaker in front of Redis, on a fake clock."""
from __future__ import annotations

import threading

import pytest

from hotline.circuit_breaker import CircuitBreaker


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_closed_until_the_failures_in_a_row_then_open_for_the_cooldown(clock):
    breaker = CircuitBreaker(3, 5.0, clock)
    assert [breaker.record_failure() for _ in range(2)] == [False, False]
    assert breaker.allow() and breaker.state == "closed"
    assert breaker.record_failure() is True  # this one opened it
    assert breaker.state == "open" and not breaker.allow()
    clock.t += 4.9
    assert not breaker.allow()


def test_a_success_between_failures_starts_the_count_again(clock):
    breaker = CircuitBreaker(3, 5.0, clock)
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.record_success() is False  # nothing was open
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.allow()


def test_after_the_cooldown_one_probe_passes_and_the_rest_wait_for_its_outcome(clock):
    breaker = CircuitBreaker(2, 5.0, clock)
    breaker.record_failure()
    breaker.record_failure()
    clock.t += 5.0
    assert breaker.state == "probing"
    assert breaker.allow() is True  # the probe
    assert breaker.allow() is False and breaker.allow() is False
    assert breaker.record_success() is True  # the probe closed it
    assert breaker.state == "closed" and breaker.allow() and breaker.allow()


def test_a_failed_probe_opens_it_for_another_cooldown(clock):
    breaker = CircuitBreaker(2, 5.0, clock)
    breaker.record_failure()
    breaker.record_failure()
    clock.t += 6
    assert breaker.allow()
    assert breaker.record_failure() is False  # still open, not newly opened: no second log line
    clock.t += 4.9
    assert not breaker.allow()
    clock.t += 0.2
    assert breaker.allow()


def test_a_probe_that_never_reports_frees_the_next_probe_a_cooldown_later(clock):
    breaker = CircuitBreaker(1, 5.0, clock)
    breaker.record_failure()
    clock.t += 5
    assert breaker.allow()  # this probe's thread died silently
    clock.t += 4
    assert not breaker.allow()
    clock.t += 1
    assert breaker.allow()


def test_only_one_of_many_threads_probes(clock):
    breaker = CircuitBreaker(1, 5.0, clock)
    breaker.record_failure()
    clock.t += 5
    barrier = threading.Barrier(16)
    allowed: list[bool] = []

    def ask() -> None:
        barrier.wait()
        allowed.append(breaker.allow())

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 1


@pytest.mark.parametrize("failures, cooldown", [(0, 5.0), (3, 0.0), (3, -1.0)])
def test_nonsense_limits_are_refused(failures, cooldown):
    with pytest.raises(ValueError):
        CircuitBreaker(failures, cooldown)


def test_while_closed_asking_reads_no_clock():
    """It is asked before every Redis command, webhooks included: it must cost an attribute read."""
    reads = []
    breaker = CircuitBreaker(3, 5.0, lambda: reads.append(1) or 0.0)
    for _ in range(100):
        assert breaker.allow()
        assert breaker.record_success() is False
    assert reads == [] and breaker.failures_in_a_row == 0
