"""The lock-out rule (people/lockout.py) applied in the database, atomically.

`claim_attempt` is one conditional `UPDATE users ... WHERE <not locked> RETURNING`: PostgreSQL
re-checks the WHERE on the newest row version when concurrent updates queue on the row, SQLite
(3.35 or newer, for RETURNING) writes one transaction at a time, so two workers can never both see
"4 failures" and both check a password. Reading the count, checking and writing it back (as before)
let 24 parallel guesses through a limit of 5. The caller commits right after the claim, before the
slow password check, so every other worker sees it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, literal, null, or_, select, update
from sqlalchemy.orm import Session

from people.lockout import AttemptState, LockoutPolicy
from people.models import User
from hotline.db import UTCDateTime


def claim_attempt(session: Session, user: User, at: datetime, policy: LockoutPolicy) -> AttemptState | None:
    """Count one password check beginning at `at`; None (nothing changed) if the account is locked."""
    lock_ran_out = and_(User.locked_until.is_not(None), User.locked_until <= at)
    before = case((lock_ran_out, 0), else_=User.failed_attempts)
    lock_end = literal(at + timedelta(minutes=policy.lock_minutes), UTCDateTime())
    statement = (
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= at))
        # Every SET expression reads the row as it was before this UPDATE, on both databases.
        .values(failed_attempts=before + 1,
                locked_until=case((before + 1 >= policy.max_attempts, lock_end), else_=null()))
        .returning(User.failed_attempts, User.locked_until)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(statement).first()
    session.expire(user, ["failed_attempts", "locked_until"])
    return AttemptState(row.failed_attempts, row.locked_until) if row is not None else None


def current_state(session: Session, user: User) -> AttemptState:
    row = session.execute(select(User.failed_attempts, User.locked_until).where(User.id == user.id)).one()
    return AttemptState(row.failed_attempts, row.locked_until)


def clear_attempts(session: Session, user: User) -> None:
    """After the right password: the series of failures is over (and a lock this attempt set ends)."""
    session.execute(update(User).where(User.id == user.id).values(failed_attempts=0, locked_until=None)
                    .execution_options(synchronize_session=False))
    session.expire(user, ["failed_attempts", "locked_until"])
