"""Making sure a pooled PostgreSQL connection is alive without a round trip on every request.

`pool_pre_ping` pings each connection at every checkout: one extra round trip per webhook, paid
all day for the rare server restart. A connection in steady use is known to be alive (its last
statement worked a moment ago); only one that sat idle in the pool long enough for a server
restart, a failover or a firewall's idle timeout to have cut it is pinged before use. A dead one
is replaced before the request sees it (`DisconnectionError` makes the pool open a fresh
connection). `pool_recycle` closes connections older than a limit, and a connection that still
dies mid-request is invalidated by SQLAlchemy's disconnect detection (the pool is then refreshed).
"""
from __future__ import annotations

import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

# Idle longer than this and a connection is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 10.0
# No connection lives longer than this (server-side idle timeouts, load balancers, failovers).
RECYCLE_SECONDS = 1800
_CHECKED_IN = "hotline.checked_in_at"


def ping_idle_connections(engine: Engine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    @event.listens_for(engine, "checkin")
    def _note_checkin(dbapi_connection, record) -> None:  # pragma: no cover - pool hook
        if record is not None:
            record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        checked_in = record.info.get(_CHECKED_IN)
        if checked_in is None or time.monotonic() - checked_in < idle_seconds:
            return  # new (just connected) or in steady use
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()  # leave no transaction open (psycopg opens one implicitly)
        except Exception as error:
            raise exc.DisconnectionError(f"pooled connection found dead after idling: {error}") from error
