"""Shared fixtures: a migrated database, a clean Redis, the app, signed Twilio requests, and people
signed in through the real sign-in page (over HTTP or in Chromium).

With DATABASE_URL and REDIS_URL set (CI sets them) tests use real PostgreSQL and Redis; otherwise
a SQLite file and the embedded Redis. Either way the schema comes from the Alembic migrations and
every test starts with empty tables and an empty Redis database.
"""
from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings as hypothesis_settings
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from hotline import create_app
from hotline.clock import FrozenClock
from hotline.migrate import upgrade
from hotline.settings import Settings
from tests.support.factories import PASSWORD, People  # noqa: F401  (PASSWORD: imported from here by tests)

# Properties are about results, not speed: on a shared machine (CI beside other work, xdist workers
# beside Chromium) drawing an example can stall for seconds, which is no finding.
hypothesis_settings.register_profile("hotline", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("hotline")


def pytest_configure(config) -> None:
    # Under pytest-xdist each worker gets its own PostgreSQL and Redis database (tests/support/parallel.py).
    from tests.support.parallel import use_worker_databases

    use_worker_databases()


BROWSER_FIXTURES = {"page", "browser"}
# Fixtures whose users are slow whoever writes them: synthesised speech decoded by Vosk.
SLOW_FIXTURES = BROWSER_FIXTURES | {"call_audio"}


def pytest_collection_modifyitems(items) -> None:
    """Every test that opens a browser page is marked `browser` (and `slow`), and every test using
    synthesised call audio `slow`, so `-m "not browser"` leaves out exactly the tests that need chromium
    and `-m "not slow"` those too, whoever wrote them. Other slow tests carry the mark themselves."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        url = Settings.from_env({"DATABASE_URL": url}, dotenv=Path("/nonexistent")).database_url
        engine = create_engine(url)
        with engine.begin() as connection:
            # A previous run may have left any schema behind; the migrations must build it from nothing.
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hotline.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    url = os.environ.get("REDIS_URL", "")
    if url:
        yield url
        return
    from hotline.embedded_redis import stop_owned
    from hotline.redis_client import embedded_redis_url

    url = embedded_redis_url(tmp_path_factory.mktemp("redis"))
    os.environ["HOTLINE_EMBEDDED_REDIS_URL"] = url  # so forked workers and subprocesses share it
    yield url
    # The session started it, the session stops it (it would also die with the session if killed).
    os.environ.pop("HOTLINE_EMBEDDED_REDIS_URL", None)
    stop_owned()


def _empty_all_tables(url: str) -> None:
    from hotline.db import Base
    from hotline.migrate import import_all_models

    import_all_models()
    engine = create_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(request, tmp_path: Path, database_url: str, redis_url: str) -> Settings:
    settings = Settings.for_tests(tmp_path, database_url=database_url, redis_url=redis_url)
    return dataclasses.replace(settings, routing_conference=False) if direct_dial(request) else settings


def direct_dial(request) -> bool:
    """A test marked `direct_dial("why")` runs with ROUTING_CONFERENCE=false: it asserts the direct
    `<Dial>`'s own mechanism (its TwiML, its action posted by hand), which conference mode, the
    default, replaces; the reason says which, and where its conference-mode counterpart is."""
    marker = request.node.get_closest_marker("direct_dial")
    if marker is not None and not (marker.args and marker.args[0]):
        raise pytest.UsageError(f"{request.node.nodeid}: direct_dial needs the reason as its argument")
    return marker is not None


@pytest.fixture
def app(settings: Settings, clock: FrozenClock):
    import redis

    _empty_all_tables(settings.database_url)
    redis.Redis.from_url(settings.redis_url).flushdb()
    application = create_app(settings, clock=clock)
    yield application
    application.extensions["hotline.db"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class TwilioRequests:
    """Sends webhook requests the way Twilio does: form-encoded and signed with the auth token."""

    def __init__(self, client, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.validator = RequestValidator(settings.twilio_auth_token)

    def sign(self, path: str, params: dict[str, str]) -> str:
        return self.validator.compute_signature(self.settings.public_base_url + path, params)

    def post(self, path: str, params: dict[str, Any] | None = None, *, signature: str | None = None):
        form = {k: str(v) for k, v in (params or {}).items()}
        headers = {"X-Twilio-Signature": signature if signature is not None else self.sign(path, form)}
        return self.client.post(path, data=form, headers=headers)

    @staticmethod
    def call_params(sid: str = "CA" + "1" * 32, **extra: str) -> dict[str, str]:
        params = {"AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01", "CallSid": sid,
                  "CallStatus": "ringing", "Direction": "inbound", "From": "+8613800138000",
                  "To": "+861095555", "Caller": "+8613800138000", "Called": "+861095555"}
        params.update(extra)
        return params


@pytest.fixture
def twilio(client, settings) -> TwilioRequests:
    return TwilioRequests(client, settings)


class ApiClient:
    """JSON requests to /api with a bearer token (the admin token unless another is given)."""

    def __init__(self, client, token: str) -> None:
        self.client = client
        self.token = token

    def _headers(self, token: str | None) -> dict[str, str]:
        token = self.token if token is None else token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, token: str | None = None, **kwargs):
        return self.client.get(path, headers=self._headers(token), **kwargs)

    def post(self, path: str, json: Any = None, token: str | None = None):
        return self.client.post(path, json=json, headers=self._headers(token))

    def patch(self, path: str, json: Any = None, token: str | None = None):
        return self.client.patch(path, json=json, headers=self._headers(token))

    def delete(self, path: str, token: str | None = None):
        return self.client.delete(path, headers=self._headers(token))

    def mint(self, role: str, name: str | None = None, **extra: Any) -> str:
        response = self.post("/api/tokens", {"name": name or f"test {role}", "role": role, **extra})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]


@pytest.fixture
def simulator(app):
    """Twilio's side of calls against the test app, on a virtual clock (docs/sandbox.md)."""
    from sandbox.simulator import Simulator

    return Simulator(app)


@pytest.fixture
def api(client, settings) -> ApiClient:
    return ApiClient(client, settings.admin_token)


class _InFlight:
    """Counts the requests the live server is still answering, so a test's end can wait for them: a page's
    last poll still writing when the next test empties the tables deadlocks PostgreSQL's TRUNCATE."""

    def __init__(self, app) -> None:
        self.app = app
        self.count = 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            self.count += 1
        try:
            # Buffered so the count covers the whole response, a streamed export's rows included.
            body = self.app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                getattr(body, "close", lambda: None)()
        finally:
            with self.changed:
                self.count -= 1
                self.changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout)


class LiveServer:
    """The test app served over real HTTP on a free loopback port, in a thread."""

    def __init__(self, app) -> None:
        self.in_flight = _InFlight(app)
        self.server = make_server("127.0.0.1", 0, self.in_flight, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        assert self.in_flight.wait_idle(timeout=15), "the live server was still answering a request"


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    yield server
    server.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser build)."""
    if not Path(CHROMIUM).exists():
        from tests.support.system_tools import install_hint

        pytest.skip(install_hint(["chromium"]))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def people(app) -> People:
    return People(app)


def csrf_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or \
        re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, login: str, password: str = PASSWORD, next_: str = ""):
    """Sign in through the real form (CSRF token included) with a Flask test client."""
    token = csrf_from(client.get("/signin").get_data(as_text=True))
    return client.post("/signin", data={"login": login, "password": password, "csrf_token": token,
                                        "next": next_})


def page_token(client, path: str = "/account") -> str:
    """The session's CSRF token, read from a signed-in page the way a browser script would."""
    return csrf_from(client.get(path).get_data(as_text=True))


def signed_in(client, people: "People", login: str, **person) -> dict[str, str]:
    """Adds `login` (people.add's fields), signs them in on `client`; the session's CSRF header."""
    people.add(login, **person)
    sign_in(client, login)
    return {"X-CSRF-Token": page_token(client)}


def sign_in_page(page, url: str, login: str, password: str = PASSWORD) -> None:
    """Open the real sign-in page in Chromium (`url`: the live server's) and sign in."""
    page.goto(url + "/signin")
    fill_sign_in(page, login, password)


def fill_sign_in(page, login: str, password: str = PASSWORD) -> None:
    """Sign in on the sign-in page Chromium is showing (e.g. after a guarded page sent it there)."""
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.fixture
def table_gone(settings):
    """`with table_gone("call_events"):` the table is renamed away (on either database), so every
    write to it fails for real; it is back afterwards."""
    from contextlib import contextmanager

    @contextmanager
    def gone(table: str):
        engine = create_engine(settings.database_url)
        with engine.begin() as connection:
            connection.execute(text(f"ALTER TABLE {table} RENAME TO {table}_gone"))
        try:
            yield
        finally:
            with engine.begin() as connection:
                connection.execute(text(f"ALTER TABLE {table}_gone RENAME TO {table}"))
            engine.dispose()

    return gone


class StatementCount:
    """Statements run, and rows the SELECTs returned where the driver reports it (psycopg does;
    sqlite3 reports -1, so on SQLite only the statements are counted)."""

    def __init__(self) -> None:
        self.statements = 0
        self.rows = 0

    def __enter__(self) -> "StatementCount":
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "before_cursor_execute", self._before)
        event.remove(Engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements += 1

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and (cursor.rowcount or 0) > 0:
            self.rows += cursor.rowcount

    def cost(self) -> tuple[int, int]:
        return self.statements, self.rows
