"""`hotline serve` owns its processes: nothing survives it, whatever kills it and whenever; a child that
dies is named and restarted; a taken port is one line and exit 1; workers stop gracefully; the
scheduler releases its lock; an embedded Redis dies with whoever started it."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "HOTLINE_EMBEDDED_REDIS_URL", "TWILIO_API_URL", "TWILIO_ACCOUNT_SID",
                 "TWILIO_AUTH_TOKEN", "TELEPHONY", "PUBLIC_BASE_URL"}


def serve_env(instance: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(HOTLINE_INSTANCE_DIR=str(instance), PORT=str(port), PYTHONPATH=str(ROOT), LOG_LEVEL="warning",
               WORKER_GRACE_SECONDS="2", MEDIA_PORT=str(free_port()), **extra)
    return env


def processes_of(instance: Path) -> list[int]:
    """Every process started for this instance folder: they all inherit HOTLINE_INSTANCE_DIR."""
    marker = f"HOTLINE_INSTANCE_DIR={instance}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes().split(b"\0") and not _zombie(environ.parent):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def _zombie(proc: Path) -> bool:
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def wait_until_none_left(instance: Path, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := processes_of(instance)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def port_answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_serve(instance: Path, port: int, log: Path, **extra: str) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "hotline.cli", "serve", "--workers", "1"], cwd=ROOT,
                                env=serve_env(instance, port, **extra), stdout=out, stderr=subprocess.STDOUT)


def wait_for(log: Path, pattern: str, process: subprocess.Popen | None = None, timeout: float = 120) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text(errors="replace"))
        if match:
            return match
        assert process is None or process.poll() is None, log.read_text()
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} not in the output:\n{log.read_text()}")


def finish(process: subprocess.Popen, instance: Path) -> None:
    """Clean-up for a failed test: never leave anything running."""
    if process.poll() is None:
        process.kill()
        process.wait()
    for pid in processes_of(instance):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_taken_port_is_one_line_and_exit_1_with_nothing_started(tmp_path):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = subprocess.run([sys.executable, "-m", "hotline.cli", "serve"], cwd=ROOT, capture_output=True,
                                text=True, env=serve_env(tmp_path, port), timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"hotline: cannot listen on 127.0.0.1:{port}: address already in use "
                                     f"(set PORT or HOST, or stop what is using it)")
    assert "serving on" not in result.stdout
    assert processes_of(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("sig, after", [(signal.SIGKILL, 1.0), (signal.SIGKILL, 4.0), (signal.SIGINT, 3.0),
                                        (signal.SIGTERM, 2.0)])
def test_killing_serve_during_start_up_leaves_nothing_running(tmp_path, sig, after):
    port = free_port()
    serve = start_serve(tmp_path, port, tmp_path / "serve.log")
    try:
        time.sleep(after)
        serve.send_signal(sig)
        serve.wait(60)
        assert wait_until_none_left(tmp_path) == [], (tmp_path / "serve.log").read_text()
        assert not port_answers(port)
        # Whether start-up had finished depends on the machine's speed; nothing may remain either way.
    finally:
        finish(serve, tmp_path)


@pytest.mark.slow
def test_serve_restarts_what_dies_and_a_kill_9_of_it_leaves_nothing(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    serve = start_serve(tmp_path, port, log)
    try:
        banner = wait_for(log, r"hotline is serving on \S+ \((.*)\)\n", serve)
        pids = {name: int(pid) for name, pid in re.findall(r"([\w-]+) pid (\d+)", banner.group(1))}
        assert set(pids) == {"redis", "web", "worker-default", "worker-transcription", "scheduler", "media"}
        # The webhook URLs and the token come right after, framed.
        after = log.read_text()[banner.end():].splitlines()
        assert after[0].startswith("+--") and after[1].startswith("| Paste these")
        frame = after[:after.index(after[0], 1) + 1]
        assert any("/voice/incoming" in line for line in frame)
        assert any("webhook signing token: sandbox-development-token-0000" in line for line in frame)

        healthy = subprocess.run([sys.executable, "-m", "hotline.cli", "healthcheck"], cwd=ROOT, text=True,
                                 capture_output=True, env=serve_env(tmp_path, port), timeout=60)
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr
        for queue in ("default", "outbound", "transcription"):
            assert f"queue {queue}: 1 live worker " in healthy.stdout

        os.kill(pids["worker-default"], signal.SIGKILL)
        wait_for(log, rf"worker-default \(pid {pids['worker-default']}\) died after \d+ s: killed by SIGKILL; "
                      rf"restarting in 1 s", serve, timeout=10)
        wait_for(log, r"worker-default restarted \(pid \d+, restart 1\)", serve, timeout=10)

        os.kill(pids["redis"], signal.SIGKILL)
        wait_for(log, rf"redis \(pid {pids['redis']}\) died after \d+ s: killed by SIGKILL", serve, timeout=10)
        wait_for(log, r"redis restarted", serve, timeout=10)
        deadline = time.monotonic() + 30
        while requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, "the web never reached the restarted Redis"
            time.sleep(0.3)

        serve.kill()
        serve.wait()
        assert wait_until_none_left(tmp_path) == [], log.read_text()
        assert not port_answers(port)
    finally:
        finish(serve, tmp_path)


# -- workers and the scheduler as their own processes, on the test's database and Redis -------------

def worker_env(settings, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(DATABASE_URL=settings.database_url, REDIS_URL=settings.redis_url, HOTLINE_INSTANCE_DIR=str(tmp_path),
               PYTHONPATH=str(ROOT), LOG_LEVEL="warning", **extra)
    return env


def wait_for_file(path: Path, process: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_text()):
        assert process.poll() is None and time.monotonic() < deadline, "the job never started"
        time.sleep(0.1)
    return int(path.read_text())


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and not _zombie(Path(f"/proc/{pid}"))


@pytest.mark.slow
def test_a_stopping_worker_lets_its_job_finish(app, settings, tmp_path):
    from hotline.jobs import enqueue

    started = tmp_path / "horse.pid"
    with app.app_context():
        job = enqueue("tests.hotline.jobs_for_tests.sleep_then_store", 2, "finished", str(started))
    worker = subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker", "-q", "default"], cwd=ROOT,
                              env=worker_env(settings, tmp_path, WORKER_GRACE_SECONDS="30"))
    try:
        wait_for_file(started, worker)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
        with app.app_context():
            assert job.get_status(refresh=True) == "finished"
    finally:
        worker.kill()


@pytest.mark.slow
def test_a_job_outlasting_the_grace_is_requeued_and_its_horse_ends(app, settings, tmp_path):
    from hotline.jobs import enqueue, get_queue

    started = tmp_path / "horse.pid"
    with app.app_context():
        job = enqueue("tests.hotline.jobs_for_tests.sleep_then_store", 120, "never", str(started))
    worker = subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker", "-q", "default"], cwd=ROOT,
                              env=worker_env(settings, tmp_path, WORKER_GRACE_SECONDS="1"))
    try:
        horse = wait_for_file(started, worker)
        stop_asked = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
        assert time.monotonic() - stop_asked < 15
        assert not alive(horse)
        with app.app_context():
            assert job.get_status(refresh=True) == "queued"
            assert get_queue("default").job_ids == [job.id]
    finally:
        worker.kill()


@pytest.mark.slow
def test_a_killed_workers_horse_dies_with_it(app, settings, tmp_path):
    from hotline.jobs import enqueue

    started = tmp_path / "horse.pid"
    with app.app_context():
        enqueue("tests.hotline.jobs_for_tests.sleep_then_store", 120, "never", str(started))
    worker = subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker", "-q", "default"], cwd=ROOT,
                              env=worker_env(settings, tmp_path))
    try:
        horse = wait_for_file(started, worker)
        worker.kill()
        worker.wait()
        deadline = time.monotonic() + 5
        while alive(horse) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(horse)
    finally:
        worker.kill()


@pytest.mark.slow
def test_the_scheduler_releases_its_locks_on_sigterm(app, settings, tmp_path):
    from hotline.jobs import QUEUES
    from hotline.redis_client import get_redis

    scheduler = subprocess.Popen([sys.executable, "-m", "hotline.cli", "scheduler"], cwd=ROOT,
                                 env=worker_env(settings, tmp_path))
    try:
        with app.app_context():
            redis = get_redis()
            locks = [f"rq:scheduler-lock:{name}" for name in QUEUES]
            deadline = time.monotonic() + 60
            while redis.exists(*locks) < len(locks):
                assert scheduler.poll() is None and time.monotonic() < deadline, "no scheduler lock taken"
                time.sleep(0.1)
            scheduler.send_signal(signal.SIGTERM)
            assert scheduler.wait(15) == 0
            assert redis.exists(*locks) == 0
    finally:
        scheduler.kill()


def test_healthcheck_fails_for_a_queue_without_a_live_worker(runner):
    result = runner.invoke(args=["healthcheck"])
    assert result.exit_code == 1
    assert "queue transcription: 0 live workers" in result.output
    assert "unhealthy: no live worker for default, transcription, outbound" in result.output


def test_an_embedded_redis_dies_with_the_process_that_started_it(tmp_path):
    from hotline.embedded_redis import answers, url_for

    owner = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from hotline.embedded_redis import "
                               "ensure_running; print(ensure_running(Path(sys.argv[1])), flush=True); time.sleep(60)",
         str(tmp_path)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout.readline().strip() == url_for(tmp_path)
        assert answers(url_for(tmp_path))
        owner.kill()
        owner.wait()
        deadline = time.monotonic() + 10
        while answers(url_for(tmp_path)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not answers(url_for(tmp_path))
    finally:
        owner.kill()


def test_webhooks_prints_the_urls_and_the_token_framed(runner, settings):
    lines = runner.invoke(args=["webhooks"]).output.splitlines()
    assert lines[0] == lines[-1] and set(lines[0]) == {"+", "-"}
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines[1:-1])
    assert any(f"POST {settings.public_base_url}/voice/incoming" in line for line in lines)
    assert any(f"webhook signing token: {settings.twilio_auth_token}" in line for line in lines)


@pytest.mark.slow
def test_a_test_session_stops_the_embedded_redis_it_started(tmp_path):
    basetemp = tmp_path / "session"
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={basetemp}",
                             "tests/hotline/test_jobs.py::test_a_job_id_is_enqueued_once"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    # redis-server works in its data folder (chdir), so a leftover one has its cwd under the session's folder.
    left = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if Path(os.readlink(cwd)).is_relative_to(basetemp) and not _zombie(cwd.parent):
                left.append(int(cwd.parent.name))
        except OSError:
            continue
    assert left == []


@pytest.mark.slow
def test_a_job_whose_worker_was_killed_stops_counting_as_on_its_way_once_its_heartbeat_lapses(app, settings,
                                                                                             tmp_path):
    """A SIGKILLed worker leaves its job `started`; RQ itself would notice only at its next registry
    cleanup (every 10 minutes), so the sweepers trusted it as running and its work waited (the chaos
    benchmark's transcripts stuck `running`). `job_status` does RQ's cleanup when it meets one."""
    from rq.registry import StartedJobRegistry

    from hotline.jobs import LIVE_STATUSES, enqueue, job_status
    from hotline.redis_client import get_redis

    started = tmp_path / "horse.pid"
    with app.app_context():
        enqueue("tests.hotline.jobs_for_tests.sleep_then_store", 120, "never", str(started), job_id="abandoned")
    worker = subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker", "-q", "default"], cwd=ROOT,
                              env=worker_env(settings, tmp_path))
    try:
        wait_for_file(started, worker)
        worker.kill()
        worker.wait()
        with app.app_context():
            assert job_status("abandoned") == "started"  # its heartbeat still runs: it may be working
            # The heartbeat lapses (about 70 s after the kill): its entry in the started registry expires.
            redis, key = get_redis(), StartedJobRegistry("default", connection=get_redis()).key
            entries = redis.zrange(key, 0, -1)
            assert entries
            redis.zadd(key, {entry: time.time() - 1 for entry in entries})
            assert job_status("abandoned") not in LIVE_STATUSES
            assert job_status("abandoned") == "failed"
    finally:
        worker.kill()
