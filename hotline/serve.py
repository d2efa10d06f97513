"""`hotline serve` (what `make run` starts): every process hotline needs, supervised.

    redis                  the embedded Redis (only without REDIS_URL), on the instance's socket
    web                    gunicorn on HOST:PORT (the port is bound here and handed over)
    worker-default         RQ worker for `default` and `outbound` (downloads, tickets, revisits)
    worker-transcription   RQ worker for `transcription` (Vosk), so a long decode delays nothing else
    scheduler              periodic jobs and delayed jobs
    media                  `hotline media`: Twilio Media Streams into live transcripts (MEDIA_HOST:MEDIA_PORT)

Start-up either finishes, with every child ready, and ends with the framed webhook URLs and token,
or stops everything and exits 1 with one line naming what failed. Afterwards a child that dies is
restarted with back-off (hotline.supervisor); SIGINT/SIGTERM stop everything in order, and a SIGKILL
of this process takes every child with it (each dies with its parent).
"""
from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import urllib.request

import click
import redis
from rq import Worker
from rq.scheduler import SCHEDULER_KEY_TEMPLATE

from hotline import create_app, embedded_redis, sandbox_plugin
from hotline.areas import readiness_lines
from hotline.gateway import get_gateway
from hotline.migrate import upgrade
from hotline.scheduler import scheduler_name
from hotline.settings import Settings
from hotline.supervisor import Child, Program, StartFailed, Supervisor
from hotline.webhooks import CALLBACK_OVERRIDES

WEBHOOKS = (
    ("A call comes in (Voice URL)", "/voice/incoming"),
    # With Twilio's connection overrides, so that a callback we answered 503 is sent again.
    ("Call status changes", f"/voice/status#{CALLBACK_OVERRIDES}"),
    ("Recording status", "/recordings/status"),
    ("A message comes in (Messaging URL)", "/sms/incoming"),
    ("Message status", "/sms/status"),
)


class _Stop(Exception):
    """A stop signal arrived during start-up."""


def webhook_lines(settings: Settings) -> list[str]:
    return [f"{label:38} POST {settings.public_base_url}{path}" for label, path in WEBHOOKS]


def framed(lines: list[str]) -> str:
    width = max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    return "\n".join([rule, *(f"| {line:<{width}} |" for line in lines), rule])


def connection_lines(settings: Settings, sandbox_url: str | None) -> list[str]:
    """What an operator pastes into the Twilio console (and, in sandbox mode, signs requests with)."""
    lines = ["Paste these into your Twilio number's configuration:", *("  " + w for w in webhook_lines(settings))]
    if sandbox_url:
        lines.append(f"Sandbox telephony at {sandbox_url}; webhook signing token: {settings.twilio_auth_token}")
    return lines


def bind_web_socket(settings: Settings) -> socket.socket:
    """Bind HOST:PORT here, so a taken port is one clear line before anything starts."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((settings.host, settings.port))
    except OSError as exc:
        listener.close()
        reason = "address already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise StartFailed(f"cannot listen on {settings.host}:{settings.port}: {reason} "
                          f"(set PORT or HOST, or stop what is using it)") from None
    listener.listen(2048)
    listener.set_inheritable(True)
    return listener


def _web_ready(host: str, port: int):
    host = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    url = f"http://[{host}]:{port}/healthz" if ":" in host else f"http://{host}:{port}/healthz"

    def ready(child: Child) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    return ready


def _port_ready(host: str, port: int):
    host = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)

    def ready(child: Child) -> bool:
        try:
            socket.create_connection((host, port), timeout=2).close()
            return True
        except OSError:
            return False

    return ready


def _worker_ready(redis_url: str):
    def ready(child: Child) -> bool:
        connection = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        try:
            return any(w.pid == child.pid for w in Worker.all(connection=connection))
        except redis.RedisError:
            return False
        finally:
            connection.close()

    return ready


def _scheduler_ready(redis_url: str):
    def ready(child: Child) -> bool:
        connection = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        try:
            return bool(connection.exists(SCHEDULER_KEY_TEMPLATE % scheduler_name(child.pid)))
        except redis.RedisError:
            return False
        finally:
            connection.close()

    return ready


def serve(web_workers: int) -> int:
    """Run everything until a stop signal; the exit status for `hotline serve`."""
    stopping = {"now": False, "started": False, "by": ""}

    def on_signal(signum, _frame) -> None:
        stopping["now"] = True
        stopping["by"] = signal.Signals(signum).name
        if not stopping["started"]:
            raise _Stop()  # interrupt whatever start-up is doing; `finally` below stops the children

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    supervisor = Supervisor()
    listener = None
    try:
        settings = Settings.from_env()
        listener = bind_web_socket(settings)
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        python = sys.executable
        should_stop = lambda: stopping["now"]  # noqa: E731

        if settings.uses_embedded_redis:
            redis_url = embedded_redis.url_for(settings.instance_dir)
            if embedded_redis.answers(redis_url):
                raise StartFailed(f"an embedded Redis already answers on {redis_url}: is another `hotline serve` "
                                  f"running on this instance folder ({settings.instance_dir})?")
            settings.instance_dir.mkdir(parents=True, exist_ok=True)
            stale = embedded_redis.socket_path(settings.instance_dir)
            if stale.exists():
                stale.unlink()
            supervisor.start(Program("redis", embedded_redis.server_command(settings.instance_dir), env=env,
                                     ready=lambda child: embedded_redis.answers(redis_url)), should_stop=should_stop)
            env["HOTLINE_EMBEDDED_REDIS_URL"] = os.environ["HOTLINE_EMBEDDED_REDIS_URL"] = redis_url
        else:
            redis_url = settings.redis_url

        upgrade(settings.database_url)
        app = create_app(settings)
        sandbox_url = None
        if settings.is_sandbox and not settings.twilio_api_url:
            with app.app_context():
                sandbox_url = get_gateway().api_url or ""
                env["TWILIO_API_URL"] = sandbox_url
                sandbox_plugin.require("hotline serve").serve_live(app)  # plays calls the app places
        multiproc = settings.instance_dir / "prometheus"
        multiproc.mkdir(parents=True, exist_ok=True)
        for stale_metrics in multiproc.glob("*.db"):
            stale_metrics.unlink()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(multiproc)

        if settings.is_sandbox and not settings.live_media_url:
            # The sandbox's calls stream to this machine's media service (docs/live.md).
            env["LIVE_MEDIA_URL"] = f"ws://127.0.0.1:{settings.media_port}/media"
        fd = listener.fileno()
        grace = settings.worker_grace_seconds + 10
        supervisor.start(
            Program("web", [python, "-m", "gunicorn", "-w", str(web_workers), "-b", f"fd://{fd}",
                            "--no-control-socket", "--graceful-timeout", "10", "--access-logfile", "-", "wsgi:app"],
                    env=env, pass_fds=(fd,), ready=_web_ready(settings.host, settings.port)),
            Program("worker-default", [python, "-m", "hotline.cli", "worker", "-q", "default", "-q", "outbound"],
                    env=env, ready=_worker_ready(redis_url), stop_timeout=grace),
            Program("worker-transcription", [python, "-m", "hotline.cli", "worker", "-q", "transcription"],
                    env=env, ready=_worker_ready(redis_url), stop_timeout=grace),
            Program("scheduler", [python, "-m", "hotline.cli", "scheduler"], env=env,
                    ready=_scheduler_ready(redis_url)),
            Program("media", [python, "-m", "hotline.cli", "media"], env=env,
                    ready=_port_ready(settings.media_host, settings.media_port)),
            should_stop=should_stop)
        stopping["started"] = True
        if stopping["now"]:
            return 0
        for line in readiness_lines(settings):
            click.echo(line)
        click.echo(f"hotline is serving on http://{settings.host}:{settings.port} "
                   f"({', '.join(f'{c.program.name} pid {c.pid}' for c in supervisor.children)})")
        click.echo(framed(connection_lines(settings, sandbox_url)))
        sys.stdout.flush()
        supervisor.run(should_stop)
        return 0
    except StartFailed as exc:
        click.echo(f"hotline: {exc}", err=True)
        return 1
    except _Stop:
        return 0
    finally:
        # Ignore further signals while stopping: a second Ctrl-C must not leave children behind.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        if stopping["by"] and supervisor.children:
            click.echo(f"hotline: {stopping['by']}: stopping {', '.join(c.program.name for c in supervisor.children)}",
                       err=True)
        supervisor.stop(last=("redis",))
        if listener is not None:
            listener.close()

