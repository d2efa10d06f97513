"""What a test asks of the database's own view of its queries: every statement run inside a block, and
PostgreSQL's plan for one of them (the index tests: a read must keep using its index as data grows)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, NamedTuple

from sqlalchemy import event

from hotline import db


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
