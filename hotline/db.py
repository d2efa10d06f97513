"""Database engine, sessions and the declarative base shared by every area's models.

One session per app context (a request or a job), closed when the context ends. Models live with
their area (`tickets/models.py`, `routing/models.py`...) and all derive from `Base`; the schema is
created only by Alembic migrations (`hotline db upgrade`), never by `create_all` at run time.

The transaction rule: domain functions change data and never commit; the view or job that called
them owns the transaction and commits once. What must only happen once the change is committed (a
signal, an RQ job, a Redis write the database must back) is registered with `after_commit(fn, ...)`
and runs right after that commit, exactly once; a rollback drops it, and so does the rollback of a
savepoint it was registered in (`begin_nested`).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import DateTime, MetaData, create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransaction, configure_mappers, sessionmaker
from sqlalchemy.types import TypeDecorator

from hotline.clock import as_utc
from hotline.db_pool import RECYCLE_SECONDS, ping_idle_connections

log = logging.getLogger(__name__)
_PENDING = "hotline.after_commit"  # session.info: [(transaction registered in, fn, args)]
_READY = "hotline.after_commit.ready"  # committed, waiting for Session.commit to return

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


class HotlineSession(Session):
    """A session that runs the follow-ups of a commit once `commit()` has returned from the database.

    They cannot run inside SQLAlchemy's `after_commit` event: the session may not emit SQL there, and
    follow-ups (signal receivers) write. They run in the order they were registered, each in a
    transaction of its own on this session, committed after it (so its own follow-ups run too).
    One that raises has its transaction rolled back, the rest are dropped and the error propagates
    from `commit()`, as if the process had died there: the change itself is committed and stands.
    Follow-ups that must not fail the caller catch their own errors (Redis down: leave the work to
    a sweep).
    """

    def commit(self) -> None:
        super().commit()
        ready = self.info.pop(_READY, None)
        while ready:
            fn, args = ready.pop(0)
            try:
                fn(*args)
                if self.in_transaction():
                    self.commit()
            except BaseException:
                self.rollback()
                log.warning("a follow-up of a commit failed: %s; %d after it dropped",
                            getattr(fn, "__qualname__", fn), len(ready))
                raise


def after_commit(fn: Callable[..., Any], *args: Any, session: Session | None = None) -> None:
    """Run `fn(*args)` once the current transaction of `session` (the app context's by default) is
    committed; never if it, or the savepoint this is called in, is rolled back."""
    target = session if session is not None else _context_session()
    transaction = target.get_nested_transaction() or target.get_transaction() or target.begin()
    target.info.setdefault(_PENDING, []).append((transaction, fn, args))


def _context_session() -> Session:
    return session()


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: its follow-ups now wait for the enclosing transaction
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend((fn, args) for _tx, fn, args in pending)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [entry for entry in pending if not _within(entry[0], previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # closed without a commit (session.close()): nothing follows
        session.info.pop(_PENDING, None)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, class_=HotlineSession, expire_on_commit=False)

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


def warm(app: Flask) -> None:
    """Configure every mapper and open one pooled connection, at a worker's start.

    SQLAlchemy configures all mappers (relationships, attribute instrumentation: about 100 ms for this
    app's models) at the first query of a process, and the pool opens its first connection then too:
    without this, each gunicorn worker's first request pays both, the customer lookup's one slow
    request in twenty at a year's data. A database not up yet is not an error here: the first request
    connects as before."""
    configure_mappers()
    try:
        with app.extensions["hotline.db"].engine.connect():
            pass
    except OperationalError:
        log.warning("database not reachable at worker start; the first request will connect")


def dialect_insert(session: Session, table):
    """An INSERT for `table` in the session's dialect, so `.on_conflict_do_nothing()` /
    `.on_conflict_do_update()` make idempotent writes on PostgreSQL and SQLite alike."""
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)


def get_db() -> Database:
    return current_app.extensions["hotline.db"]


def session() -> Session:
    """The session of the current request or job; committed once, by the view or job that owns it."""
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
