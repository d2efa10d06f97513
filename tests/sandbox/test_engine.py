"""The discrete-event loop on its own: time order, waits with timeouts, interrupts, real time."""
from __future__ import annotations

import time

import pytest

from sandbox.engine import TIMEOUT, Engine, Future, Sleep, Wait


def test_processes_run_in_virtual_time_order():
    engine, seen = Engine(), []

    def worker(name, pause):
        for _ in range(2):
            yield Sleep(pause)
            seen.append((engine.now, name))

    engine.spawn(worker("slow", 10), "slow")
    engine.spawn(worker("fast", 3), "fast", at=1)
    engine.run()
    assert seen == [(4, "fast"), (7, "fast"), (10, "slow"), (20, "slow")]


def test_wait_returns_the_value_or_times_out():
    engine, results, future = Engine(), [], Future()

    def waiter(timeout):
        results.append((timeout, (yield Wait(future, timeout)), engine.now))

    engine.spawn(waiter(5), "short")
    engine.spawn(waiter(50), "long")
    engine.at(8, lambda: future.resolve("agent"))
    engine.run()
    assert results == [(5, TIMEOUT, 5), (50, "agent", 8)]


def test_an_interrupt_reaches_the_process_where_it_waits_and_cancels_its_timer():
    engine, log = Engine(), []

    def caller():
        try:
            yield Sleep(100)
        except KeyError as exc:
            log.append(("interrupted", engine.now, exc.args[0]))
        yield Sleep(1)
        log.append(("done", engine.now))

    process = engine.spawn(caller(), "caller")
    engine.at(30, lambda: process.interrupt(KeyError("hangup")))
    engine.run()
    assert log == [("interrupted", 30, "hangup"), ("done", 31)]
    assert not process.alive


def test_until_stops_and_continues_and_a_broken_process_is_reported():
    engine = Engine()

    def broken():
        yield Sleep(2)
        raise ValueError("bad TwiML handling")

    engine.spawn(broken(), "CA1")
    engine.run(until=1)
    assert engine.now == 1
    with pytest.raises(RuntimeError, match="simulated call CA1 failed: ValueError: bad TwiML handling"):
        engine.run()


def test_real_time_runs_at_the_given_speed_and_takes_posted_work():
    engine, seen = Engine(realtime=True, speed=50), []

    def ticker():
        yield Sleep(5)  # 0.1 s of wall time at 50x
        seen.append(round(engine.now))

    engine.spawn(ticker(), "t")
    engine.post(lambda: seen.append("posted"))
    started = time.monotonic()
    engine.run()
    assert seen == ["posted", 5] and 0.05 < time.monotonic() - started < 2
