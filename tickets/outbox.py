"""Things to do once a ticket change is committed: announce signals, enqueue SMS deliveries.

Receivers and workers must see committed rows, so ticket operations only note what should happen
(`note_after_commit`) and whoever commits calls `release(session)` right after.
"""
from __future__ import annotations

import logging

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from hotline import signals

log = logging.getLogger(__name__)
_KEY = "tickets.after_commit"


def note_after_commit(session: Session, kind: str, value: int) -> None:
    """kind: a signal name (ticket_created, ticket_resolved, ticket_reopened) or "sms"."""
    session.info.setdefault(_KEY, []).append((kind, value))


def discard(session: Session) -> None:
    session.info.pop(_KEY, None)


def release(session: Session) -> None:
    pending = session.info.pop(_KEY, [])
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for kind, value in pending:
        if kind == "sms":
            from tickets.notices import enqueue_delivery

            try:
                enqueue_delivery(value)
            except RedisError:
                # The notice is committed as a pending row; the SLA sweep's redeliver_stale
                # enqueues it once Redis is back. The change that queued it stands.
                log.warning("Redis unavailable; SMS notice %s left pending for the sweep", value, exc_info=True)
        else:
            getattr(signals, kind).send(app, ticket_id=value)
