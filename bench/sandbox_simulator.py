"""How fast the call simulator plays calls in-process (virtual time costs nothing; requests do).

Plays N concurrent inbound calls through /voice/incoming plus their status callbacks on a fresh
SQLite database and reports calls and webhook requests per wall-clock second, and the ratio of
virtual to wall-clock time.

    PYTHONPATH=. python bench/sandbox_simulator.py [N]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from hotline import create_app
from hotline.clock import FrozenClock
from hotline.migrate import upgrade
from hotline.settings import Settings
from sandbox.simulator import Simulator


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.for_tests(Path(folder))
        upgrade(settings.database_url)
        app = create_app(settings, clock=FrozenClock())
        sim = Simulator(app)
        for n in range(count):
            sim.call(from_=f"+86138{n:08d}", at=n * 0.5, hangup_after=60)
        started = time.perf_counter()
        sim.run()
        wall = time.perf_counter() - started
        assert not sim.errors, sim.errors[:3]
        print(f"{count} calls, {len(sim.requests)} webhook requests, {sim.now:.0f} virtual s in {wall:.2f} wall s: "
              f"{count / wall:.0f} calls/s, {len(sim.requests) / wall:.0f} requests/s, "
              f"{sim.now / wall:.0f}x real time")


if __name__ == "__main__":
    import logging

    logging.disable(logging.INFO)
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
