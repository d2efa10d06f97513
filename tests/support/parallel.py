"""One PostgreSQL database and one Redis database per pytest-xdist worker, so `pytest -n N` runs the
suite in N processes that never see each other's rows or keys.

Each worker rewrites DATABASE_URL and REDIS_URL in its own environment before any fixture reads them,
so the fixtures, the tests that read the variables themselves, and every process a test starts (RQ
workers, gunicorn, `hotline serve`) all use the worker's own:
- PostgreSQL: the database of DATABASE_URL with the worker's id appended (`test` -> `test_gw0`,
  `test_gw1`...), created on demand; the `database_url` fixture empties it and migrates it at start.
- Redis: the database number of REDIS_URL plus the worker's index (`/0` -> `/0`, `/1`, ... `/N-1`;
  `/9` with `-n 4` -> `/9`..`/12`), so a run with REDIS_URL=/B and -n N uses B..B+N-1 (Redis has 16
  numbers unless configured otherwise).
- Without the variables (SQLite and the embedded Redis) nothing is rewritten: every worker has its own
  pytest temporary directory, hence its own SQLite file and its own embedded Redis socket.
"""
from __future__ import annotations

import os
import time
from collections.abc import MutableMapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def worker_id(environ: MutableMapping[str, str] = os.environ) -> str | None:
    """`gw0`, `gw1`... in a pytest-xdist worker; None in a run without -n (or in xdist's controller)."""
    return environ.get("PYTEST_XDIST_WORKER") or None


def worker_index(worker: str) -> int:
    return int(worker.removeprefix("gw"))


def worker_redis_url(url: str, index: int) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix":  # redis's unix socket form keeps the number in ?db=
        return url  # one server per socket: not shared with other workers by construction
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + index}"))


def worker_database_url(url: str, worker: str) -> str:
    """DATABASE_URL's database with `_<worker>` appended, created if it does not exist yet."""
    from sqlalchemy import create_engine, make_url, text

    from hotline.settings import Settings

    base = make_url(Settings.from_env({"DATABASE_URL": url}, dotenv=Path("/nonexistent")).database_url)
    if base.get_backend_name() != "postgresql":
        return url
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(10):
            try:
                with engine.connect() as connection:
                    if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                        connection.execute(text(f'CREATE DATABASE "{name}"'))
                break
            except Exception as error:  # noqa: BLE001
                # Two workers creating their databases at the same moment both copy template1, and
                # PostgreSQL refuses a copy while another is in progress: wait and try again.
                if "being accessed by other users" not in str(error) and "already exists" not in str(error):
                    raise
                if "already exists" in str(error):
                    break
                time.sleep(0.2 * (attempt + 1))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def use_worker_databases(environ: MutableMapping[str, str] = os.environ) -> None:
    """In an xdist worker, point DATABASE_URL and REDIS_URL at the worker's own databases."""
    worker = worker_id(environ)
    if worker is None:
        return
    if environ.get("DATABASE_URL"):
        environ["DATABASE_URL"] = worker_database_url(environ["DATABASE_URL"], worker)
    if environ.get("REDIS_URL"):
        environ["REDIS_URL"] = worker_redis_url(environ["REDIS_URL"], worker_index(worker))
