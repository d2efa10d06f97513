"""What a test asks of the database's own view of its queries: every statement run inside a block, and
PostgreSQL's plan for one of them (the index tests: a read must keep using its index as data grows);
and a scratch database for the migration tests (a schema made before some revision, then upgraded)."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NamedTuple

from sqlalchemy import create_engine, event, text

from hotline import db
from hotline.settings import Settings


class Executed(NamedTuple):
    sql: str
    parameters: Any
    options: dict


@contextmanager
def statements(app_or_bind) -> Iterator[list[Executed]]:
    """Every statement run inside the block on the app's engine (or on a given engine, connection or
    the Engine class for every engine), in order."""
    bind = app_or_bind.extensions["hotline.db"].engine if hasattr(app_or_bind, "extensions") else app_or_bind
    seen: list[Executed] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(Executed(statement, parameters, dict(context.execution_options) if context else {}))

    event.listen(bind, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(bind, "before_cursor_execute", record)


def explain(app, sql: str, parameters) -> str:
    """PostgreSQL's EXPLAIN of one statement as the driver ran it (parameters bound the same way)."""
    with app.app_context():
        session = db.session()
        with session.connection().connection.driver_connection.cursor() as pg:
            pg.execute("EXPLAIN " + sql, parameters)
            plan = "\n".join(row[0] for row in pg.fetchall())
        session.rollback()
    return plan


def scratch_database(tmp_path) -> tuple[str, callable]:
    """A database of its own: a schema in the test PostgreSQL database, or a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_path / 'before.sqlite3'}", lambda: None
    url = Settings.from_env({"DATABASE_URL": url}).database_url
    schema = f"scratch_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", drop


@contextmanager
def database_before(tmp_path, revision: str) -> Iterator[tuple[Any, Callable[[], None]]]:
    """A scratch database whose schema stops at `revision` (every head, then down to it), to write the
    rows a later migration must carry over: yields (engine, upgrade), upgrade() running the rest."""
    from alembic import command

    from hotline.migrate import alembic_config

    url, drop = scratch_database(tmp_path)
    engine = None
    try:
        config = alembic_config(url)
        command.upgrade(config, "heads")
        command.downgrade(config, revision)
        engine = create_engine(url)
        yield engine, lambda: command.upgrade(config, "heads")
    finally:
        if engine is not None:
            engine.dispose()
        drop()
