"""Database engine, sessions and the declarative base shared by every area's models.

One session per app context (a request or a job), closed when the context ends. Models live with
their area (`tickets/models.py`, `routing/models.py`...) and all derive from `Base`; the schema is
created only by Alembic migrations (`hotline db upgrade`), never by `create_all` at run time.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import DateTime, MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from hotline.clock import as_utc
from hotline.db_pool import RECYCLE_SECONDS, ping_idle_connections

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware, on SQLite as on PostgreSQL.

    Values are converted to UTC on the way in, in stored rows as in query bounds: SQLite keeps only
    the clock reading (no offset), so 20:00+08:00 written as is would read back as 20:00 UTC and sort
    against the other rows by the writer's wall clock. Naive datetimes are refused: they name no
    instant, and guessing a zone is how times go wrong.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to a UTC column; use hotline.clock")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect):  # type: ignore[override]
        return as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - driver hook
            cursor = dbapi_connection.cursor()
            # WAL lets the web and the workers read while one writes; foreign keys are off by default.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_recycle=RECYCLE_SECONDS)
    ping_idle_connections(engine)  # instead of pool_pre_ping's round trip on every checkout
    return engine


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session of its own that commits on success and rolls back on error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def init_app(app: Flask) -> None:
    app.extensions["hotline.db"] = Database(app.config["HOTLINE_SETTINGS"].database_url)

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session: Session | None = g.pop("_db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()


def dialect_insert(session: Session, table):
    """An INSERT for `table` in the session's dialect, so `.on_conflict_do_nothing()` /
    `.on_conflict_do_update()` make idempotent writes on PostgreSQL and SQLite alike."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)


def get_db() -> Database:
    return current_app.extensions["hotline.db"]


def session() -> Session:
    """The session of the current request or job; committed by whoever changes data."""
    if not has_app_context():
        raise RuntimeError("hotline.db.session() needs an app context")
    if "_db_session" not in g:
        g._db_session = get_db().sessionmaker()
    return g._db_session


def without_jit(session: Session) -> None:
    """PostgreSQL plans the rest of this transaction without JIT compilation. A report's estimated
    cost passes `jit_above_cost` at a million rows, and compiling its expressions took a second on
    two busy cores, more than the query itself (issue 14: the IVR and ticket reports)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
