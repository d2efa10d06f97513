"""Ports and processes for tests that start real servers and workers (gunicorn, `hotline serve`,
RQ workers, a redis-server of their own). Ports come from the kernel (bind to port 0), never a fixed
number, so tests running at the same time in several pytest-xdist workers never take each other's."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port nothing listens on right now (the kernel's pick), for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A loopback port with nothing behind it: connecting there is refused (a server that is down)."""
    return free_port()


def children_of(pid: int) -> list[int]:
    """The ids of the processes whose parent is `pid`, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def command_line(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


def wait_until(predicate, seconds: float = 60.0, interval: float = 0.1) -> None:
    """Poll `predicate` until it holds; fail the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(interval)


def real_now() -> datetime:
    """Now on the wall clock, to the second: worker processes keep real time, so a test whose frozen
    clock must agree with theirs starts it here."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def start_hotline(app, *args: str, **env_extra: str) -> subprocess.Popen:
    """`hotline ARGS` in a process of its own, on the test's database, Redis and sandbox."""
    from sandbox.rest.server import ensure_sandbox

    settings = app.config["HOTLINE_SETTINGS"]
    env = dict(os.environ, DATABASE_URL=settings.database_url, REDIS_URL=settings.redis_url, TELEPHONY="sandbox",
               TWILIO_API_URL=ensure_sandbox(settings, app).base_url, HOTLINE_INSTANCE_DIR=str(settings.instance_dir),
               PUBLIC_BASE_URL=settings.public_base_url, HOTLINE_ADMIN_TOKEN=settings.admin_token,
               OUTBOUND_CALLS_PER_SECOND=str(settings.outbound_calls_per_second),
               OUTBOUND_SMS_PER_SECOND=str(settings.outbound_sms_per_second), LOG_LEVEL="warning",
               PYTHONPATH=str(ROOT), **env_extra)
    return subprocess.Popen([sys.executable, "-m", "hotline.cli", *args], env=env, cwd=ROOT, start_new_session=True)


def start_worker(app, *args: str) -> subprocess.Popen:
    """`hotline worker -q outbound ARGS` in a process of its own, on the test's database, Redis and sandbox."""
    return start_hotline(app, "worker", "-q", "outbound", *args)
