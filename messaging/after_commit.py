"""Run something once the caller's transaction commits, and never if it rolls back.

The outbox stores a message in the caller's transaction and hands it to a worker only after the
commit: a worker must find the row, and a rolled-back request must send nothing. This is the one
place messaging does that; when hotline.db gets its own after-commit hook, `after_commit` becomes
a call to it and nothing else in messaging changes.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "messaging.after_commit"


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Call `action()` right after `session`'s current transaction commits (dropped on rollback)."""
    session.info.setdefault(_KEY, []).append(action)


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    for action in session.info.pop(_KEY, []):
        action()


@event.listens_for(Session, "after_transaction_end")
def _drop_on_rollback(session: Session, transaction: SessionTransaction) -> None:
    # Fires after `after_commit` on a commit (the list is empty by then) and after a rollback of
    # the outermost transaction, whose actions must not happen.
    if transaction.parent is None:
        session.info.pop(_KEY, None)
