"""A small supervisor: starts hotline's processes, restarts the ones that die, stops them all.

Why our own and not honcho, circus or supervisord: we need three things together that none of
them gives without a daemon or a config format of its own: every child must die with the
supervisor even when it is SIGKILLed (prctl PR_SET_PDEATHSIG, set between fork and exec); the
web port is bound here, once, and handed to gunicorn (`fd://`), so a taken port is one clear line
before anything starts and a restarted gunicorn never races anyone for it; and start-up waits for
each child to be *ready* (Redis answers, the web answers /healthz, a worker has registered with
RQ) before `make run` says it is serving.

Each child runs in its own process group, so a Ctrl-C in the terminal reaches only the
supervisor, which then stops the children in order (web first, Redis last). When a child dies,
one line says which, how (exit code or signal) and when it will be restarted; restarts back off
from 1 s to 30 s while a child keeps dying young.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

from hotline.parent_death import child_preexec

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
STABLE_AFTER = 30.0  # a child that ran this long died of something new: restart it at once


class StartFailed(RuntimeError):
    """A child did not start; the message is the one line to show."""


@dataclass
class Program:
    """One process to keep running."""

    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    pass_fds: tuple[int, ...] = ()
    ready: Callable[["Child"], bool] | None = None  # start-up is done when this says so
    stop_timeout: float = 15.0  # after SIGTERM, before SIGKILL


@dataclass
class Child:
    program: Program
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = BACKOFF_FIRST
    restart_at: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def describe_exit(returncode: int) -> str:
    """'exited with code 1' or 'killed by SIGKILL', from a Popen return code."""
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with code {returncode}"


def _say(line: str) -> None:
    print(f"hotline: {line}", file=sys.stderr, flush=True)


class Supervisor:
    def __init__(self, say: Callable[[str], None] = _say, start_timeout: float = 90.0) -> None:
        self.children: list[Child] = []
        self.say = say
        self.start_timeout = start_timeout
        self.stopping = False

    # -- starting -------------------------------------------------------------------------------
    def _spawn(self, child: Child) -> None:
        program = child.program
        child.process = subprocess.Popen(
            program.argv, env=program.env, pass_fds=program.pass_fds, stdin=subprocess.DEVNULL,
            process_group=0, preexec_fn=child_preexec(os.getpid()))
        child.started_at = time.monotonic()
        child.restart_at = None

    def start(self, *programs: Program, should_stop: Callable[[], bool] = lambda: False) -> list[Child]:
        """Start `programs` together and wait until each is ready; StartFailed if one dies or never gets there."""
        children = []
        for program in programs:
            child = Child(program)
            self.children.append(child)
            self._spawn(child)
            children.append(child)
        waiting = list(children)
        deadline = time.monotonic() + self.start_timeout
        while waiting:
            if should_stop():
                raise StartFailed("stopped during start-up")
            for child in list(waiting):
                if child.process.poll() is not None:
                    raise StartFailed(f"{child.program.name} failed to start: "
                                      f"{describe_exit(child.process.returncode)} (its output is above)")
                if child.program.ready is None or child.program.ready(child):
                    waiting.remove(child)
            if waiting and time.monotonic() > deadline:
                raise StartFailed(f"{', '.join(c.program.name for c in waiting)} not ready after "
                                  f"{self.start_timeout:.0f} s")
            time.sleep(0.1)
        return children

    # -- running --------------------------------------------------------------------------------
    def check(self) -> None:
        """Notice dead children (one line each) and restart those whose back-off has passed."""
        now = time.monotonic()
        for child in self.children:
            if self.stopping:
                return
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self._spawn(child)
                    self.say(f"{child.program.name} restarted (pid {child.pid}, restart {child.restarts})")
                continue
            if child.process is None or child.process.poll() is None:
                continue
            ran = now - child.started_at
            if ran >= STABLE_AFTER:
                child.backoff = BACKOFF_FIRST
            delay = child.backoff
            child.backoff = min(child.backoff * 2, BACKOFF_MAX)
            child.restart_at = now + delay
            self.say(f"{child.program.name} (pid {child.pid}) died after {ran:.0f} s: "
                     f"{describe_exit(child.process.returncode)}; restarting in {delay:.0f} s")

    def run(self, should_stop: Callable[[], bool], tick: float = 0.2) -> None:
        while not should_stop():
            self.check()
            time.sleep(tick)

    # -- stopping -------------------------------------------------------------------------------
    def stop(self, last: tuple[str, ...] = ()) -> None:
        """SIGTERM every child (those named in `last` after the others have gone), SIGKILL stragglers."""
        self.stopping = True
        first = [c for c in self.children if c.program.name not in last]
        later = [c for c in self.children if c.program.name in last]
        for group in (first, later):
            for child in group:
                self._signal(child, signal.SIGTERM)
            for child in group:
                self._reap(child)

    def _signal(self, child: Child, sig: int) -> None:
        if child.alive():
            try:
                os.killpg(child.pid, sig)  # the child's group: gunicorn's workers too
            except ProcessLookupError:
                pass

    def _reap(self, child: Child) -> None:
        if child.process is None:
            return
        try:
            child.process.wait(child.program.stop_timeout)
        except subprocess.TimeoutExpired:
            self.say(f"{child.program.name} (pid {child.pid}) did not stop within "
                     f"{child.program.stop_timeout:.0f} s; killing it")
            self._signal(child, signal.SIGKILL)
            child.process.wait()
        try:  # whatever is left in its group (a child it forked and did not wait for)
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
