"""Things to do once a ticket change is committed: announce its signals.

Receivers and workers must see committed rows, so ticket operations only note what should happen
(`note_after_commit`) and whoever commits calls `release(session)` right after.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from hotline import signals

_KEY = "tickets.after_commit"


def note_after_commit(session: Session, kind: str, value: int) -> None:
    """kind: a signal name (ticket_created, ticket_resolved, ticket_reopened).

    SMS notices are not here: messaging's outbox enqueues them itself once the session commits.
    """
    session.info.setdefault(_KEY, []).append((kind, value))


def discard(session: Session) -> None:
    session.info.pop(_KEY, None)


def release(session: Session) -> None:
    pending = session.info.pop(_KEY, [])
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for kind, value in pending:
        getattr(signals, kind).send(app, ticket_id=value)
