"""Run something once the caller's transaction commits, and never if it rolls back.

The outbox stores a message in the caller's transaction and hands it to a worker only after the
commit: a worker must find the row, and a rolled-back request must send nothing. This is the one
place messaging does that. Where hotline.db has the one after-commit hook (`hotline.db.after_commit`,
the transaction rule), it is used; until then SQLAlchemy's session events do the same here.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

try:
    from hotline.db import after_commit as _hook  # type: ignore[attr-defined]
except ImportError:  # hotline.db without the hook: messaging's own listeners below
    _hook = None

_KEY = "messaging.after_commit"


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Call `action()` right after `session`'s current transaction commits (dropped on rollback)."""
    if _hook is not None:
        _hook(action, session=session)
    else:
        session.info.setdefault(_KEY, []).append(action)


def _run(session: Session) -> None:
    for action in session.info.pop(_KEY, []):
        action()


def _drop_on_rollback(session: Session, transaction: SessionTransaction) -> None:
    # Fires after `after_commit` on a commit (the list is empty by then) and after a rollback of
    # the outermost transaction, whose actions must not happen.
    if transaction.parent is None:
        session.info.pop(_KEY, None)


if _hook is None:
    event.listen(Session, "after_commit", _run)
    event.listen(Session, "after_transaction_end", _drop_on_rollback)
