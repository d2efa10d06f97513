"""A discrete-event loop on a virtual clock: many calls at once, deterministic, and a 30 s ring free.

Each call leg is a generator (a "process") that yields `Sleep(seconds)` or `Wait(future, timeout)`;
the engine resumes it at the right virtual time. `Process.interrupt(exc)` throws an exception into a
suspended process: that is how a caller hanging up, a REST redirect or a bridge from a queue reaches
a call wherever it is in its TwiML. Other threads (the sandbox REST server) hand work in with
`post`, which runs at the engine's current time. With `realtime=True` the loop waits for the wall
clock to reach each event instead of jumping to it (running against a live server).
"""
from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Generator

TIMEOUT = object()


@dataclass
class Sleep:
    seconds: float


@dataclass
class Wait:
    future: "Future"
    timeout: float | None = None


class Future:
    """Resolved once; processes waiting on it resume with its value."""

    def __init__(self) -> None:
        self.done = False
        self.value: Any = None
        self._callbacks: list[Callable[[Any], None]] = []

    def resolve(self, value: Any = None) -> None:
        if self.done:
            return
        self.done, self.value = True, value
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(value)

    def add(self, callback: Callable[[Any], None]) -> None:
        if self.done:
            callback(self.value)
        else:
            self._callbacks.append(callback)

    def discard(self, callback: Callable[[Any], None]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)


@dataclass(order=True)
class Timer:
    when: float
    seq: int
    fn: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


Body = Generator[Any, Any, Any]


class Process:
    def __init__(self, engine: "Engine", body: Body, name: str) -> None:
        self.engine, self.body, self.name = engine, body, name
        self.alive = True
        self.started = False
        self._deferred: list[BaseException] = []
        self.finished = Future()
        self._timer: Timer | None = None
        self._waiting: tuple[Future, Callable[[Any], None]] | None = None

    def _detach(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._waiting is not None:
            future, callback = self._waiting
            future.discard(callback)
            self._waiting = None

    def interrupt(self, exc: BaseException) -> None:
        """Throw `exc` into the process where it is suspended (ignored once it has finished).

        A process that has not run yet receives it at its first suspension point."""
        if not self.alive:
            return
        if not self.started:
            self._deferred.append(exc)
            return
        self._detach()
        self._step(throw=exc)

    def _step(self, value: Any = None, throw: BaseException | None = None) -> None:
        self._detach()
        self.started = True
        try:
            command = self.body.throw(throw) if throw is not None else self.body.send(value)
        except StopIteration as stop:
            self.alive = False
            self.finished.resolve(stop.value)
            return
        except BaseException as exc:  # a bug in the simulation: stop and report it from run()
            self.alive = False
            self.finished.resolve(None)
            self.engine.errors.append((self.name, exc))
            return
        if isinstance(command, Sleep):
            self._timer = self.engine.at(self.engine.now + max(0.0, command.seconds), self._step)
        elif isinstance(command, Wait):
            def wake(result: Any) -> None:
                # Resumed through a timer so that _detach (an interrupt) can still cancel it.
                self._detach()
                self._timer = self.engine.at(self.engine.now, lambda: self._step(result))

            if command.timeout is not None:
                self._timer = self.engine.at(self.engine.now + max(0.0, command.timeout),
                                             lambda: self._step(TIMEOUT))
            self._waiting = (command.future, wake)
            command.future.add(wake)
        else:
            self.engine.errors.append((self.name, TypeError(f"process yielded {command!r}")))
            self.alive = False
            self.finished.resolve(None)
        if self._deferred and self.alive:
            self.interrupt(self._deferred.pop(0))


class Engine:
    def __init__(self, realtime: bool = False, speed: float = 1.0) -> None:
        self.now = 0.0
        self.realtime = realtime
        self.speed = speed  # in real time: virtual seconds per wall-clock second
        self.errors: list[tuple[str, BaseException]] = []
        self._heap: list[Timer] = []
        self._seq = itertools.count()
        self._external: deque[Callable[[], None]] = deque()
        self._wakeup = threading.Condition()
        self._wall_start = time.monotonic()

    def at(self, when: float, fn: Callable[[], None]) -> Timer:
        timer = Timer(max(when, self.now), next(self._seq), fn)
        heapq.heappush(self._heap, timer)
        return timer

    def spawn(self, body: Body, name: str, at: float | None = None) -> Process:
        process = Process(self, body, name)
        self.at(self.now if at is None else at, process._step)
        return process

    def post(self, fn: Callable[[], None]) -> None:
        """Run `fn` on the engine's thread at its current time (safe from any thread)."""
        with self._wakeup:
            self._external.append(fn)
            self._wakeup.notify_all()

    def _drain(self) -> None:
        while True:
            with self._wakeup:
                if not self._external:
                    return
                fn = self._external.popleft()
            fn()

    def _pending(self) -> bool:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return bool(self._heap)

    def run(self, until: float | None = None, stop: Callable[[], bool] | None = None,
            idle: Callable[[], bool] | None = None, advance: bool = True) -> None:
        """Process events in time order until none are left, `until` is reached or `stop()` is true.

        With nothing left to do, time moves on to `until` only if `advance`. In real time, `idle()`
        true means keep waiting for work posted from other threads.
        """
        while True:
            self._drain()
            self._raise_errors()
            if stop is not None and stop():
                return
            if not self._pending():
                if self.realtime and idle is not None and idle():
                    with self._wakeup:
                        self._wakeup.wait(0.2)
                    self.now = max(self.now, self._elapsed())
                    continue
                if until is not None and advance:
                    self.now = max(self.now, until)
                return
            timer = self._heap[0]
            if until is not None and timer.when > until:
                self.now = max(self.now, until)
                return
            if self.realtime:
                delay = (timer.when - self._elapsed()) / self.speed
                if delay > 0:
                    with self._wakeup:
                        if not self._external:
                            self._wakeup.wait(min(delay, 0.5))
                    self.now = max(self.now, min(timer.when, self._elapsed()))
                    continue
            heapq.heappop(self._heap)
            self.now = max(self.now, timer.when)
            timer.fn()

    def _elapsed(self) -> float:
        return (time.monotonic() - self._wall_start) * self.speed

    def _raise_errors(self) -> None:
        if self.errors:
            name, exc = self.errors.pop(0)
            raise RuntimeError(f"simulated call {name} failed: {type(exc).__name__}: {exc}") from exc
