"""Fifty parallel guesses through real gunicorn (8 workers) on PostgreSQL: at most SIGNIN_MAX_ATTEMPTS
passwords are checked, the rest are refused before Argon2, and the right password is refused while
the account is locked. Before the counter moved into one conditional UPDATE, 24 guesses in parallel
were all checked and the 25th, right, signed in."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text

from hotline.settings import Settings
from tests.conftest import PASSWORD, csrf_from
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8
GUESSES = 50
DEFAULTS = Settings.from_env({}, dotenv=Path("/nonexistent"))


@pytest.fixture
def gunicorn(request, settings, tmp_path, people):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite writes one transaction at a time; the race needs PostgreSQL (set DATABASE_URL)")
    ready = tmp_path / "ready"
    ready.mkdir()
    config = tmp_path / "gunicorn_conf.py"
    # A worker accepts requests only once it has loaded the app; wait for all of them, or the burst
    # would meet fewer workers than it claims to.
    config.write_text(f"def post_worker_init(worker):\n    open('{ready}/%d' % worker.pid, 'w').close()\n")
    prometheus = tmp_path / "prometheus"
    prometheus.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNIN_", "TWILIO_", "TELEPHONY"))}
    env.update(DATABASE_URL=settings.database_url.replace("+psycopg", ""), REDIS_URL=settings.redis_url,
               HOTLINE_INSTANCE_DIR=str(tmp_path / "instance"), SECRET_KEY="k" * 64, TELEPHONY="sandbox",
               PROMETHEUS_MULTIPROC_DIR=str(prometheus), PYTHONPATH=str(ROOT), LOG_LEVEL="error")
    env.update(request.param)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-c", str(config),
                                   "-b", f"127.0.0.1:{port}", "--timeout", "120", "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while len(list(ready.iterdir())) < WORKERS:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def password_checks(base: str) -> Counter:
    checks: Counter = Counter()
    for family in text_string_to_metric_families(requests.get(f"{base}/metrics", timeout=30).text):
        if family.name == "hotline_signin_password_checks":
            for sample in family.samples:
                if sample.name.endswith("_total"):
                    checks[sample.labels["outcome"]] += int(sample.value)
    return checks


# With the default limits the per-login limit answers 30 of the 50 first; with it lifted, all 50 reach
# the database at once and the conditional UPDATE alone holds the line.
@pytest.mark.slow
@pytest.mark.parametrize("gunicorn,per_account", [({}, DEFAULTS.signin_rate_per_account),
                                                  ({"SIGNIN_RATE_PER_ACCOUNT": "1000"}, 1000)],
                         indirect=["gunicorn"], ids=["default-limits", "lock-out-alone"])
def test_fifty_parallel_guesses_check_at_most_the_limit_and_the_lock_holds(gunicorn, per_account, people, settings):
    people.add("li.na", role="qa")
    browser = requests.Session()
    token = csrf_from(browser.get(f"{gunicorn}/signin", timeout=30).text)
    cookies = browser.cookies.get_dict()

    def guess(password: str) -> requests.Response:
        return requests.post(f"{gunicorn}/signin", cookies=cookies, allow_redirects=False, timeout=120,
                             data={"login": "li.na", "password": password, "csrf_token": token})

    start = threading.Barrier(GUESSES)
    answers: list[requests.Response] = []

    def fire(n: int) -> None:
        start.wait()
        answers.append(guess(f"wrong guess number {n}"))

    threads = [threading.Thread(target=fire, args=(n,)) for n in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = Counter(answer.status_code for answer in answers)
    wrong = sum("账号或密码错误" in answer.text for answer in answers)
    limit = DEFAULTS.signin_max_attempts
    assert set(statuses) <= {401, 429}, statuses
    assert statuses[429] == max(0, GUESSES - per_account)  # the Redis limit per login refused these first
    assert all(0 < int(a.headers["Retry-After"]) <= DEFAULTS.signin_rate_window_seconds
               for a in answers if a.status_code == 429)
    assert wrong <= limit - 1  # only attempts before the last allowed one can answer "wrong"
    checks = password_checks(gunicorn)
    assert checks["wrong"] <= limit and checks["right"] == 0, checks
    print(f"\n{GUESSES} parallel guesses, {WORKERS} workers: {dict(statuses)}, {checks['wrong']} passwords checked "
          f"(limit {limit}), {wrong} answered 'wrong'")

    # The right password now: refused by the rate limit, and once its window is over, by the lock.
    assert guess(PASSWORD).status_code == (429 if per_account < GUESSES else 401)
    store = redis.Redis.from_url(settings.redis_url)
    for key in store.scan_iter("hotline:signin:rate:*"):
        store.delete(key)
    locked = guess(PASSWORD)
    assert locked.status_code == 401 and "分钟后再试" in locked.text
    assert password_checks(gunicorn)["right"] == 0
    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        failed, locked_until = connection.execute(
            text("SELECT failed_attempts, locked_until FROM users WHERE login = 'li.na'")).one()
    engine.dispose()
    assert failed == limit and locked_until is not None
