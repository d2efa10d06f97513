"""The lock-out rule for wrong passwords, as plain Python so it can be tested alone.

After `max_attempts` wrong passwords in a row an account is locked for `lock_minutes`; while
locked even the right password is refused (otherwise a guesser would learn when they hit it).
A successful sign-in, or an admin's unlock, clears the count. Counting consecutive failures
rather than failures per time window keeps the state in two columns and survives restarts.

An attempt is counted when its check *begins*, not when it fails: `claim_attempt` is applied in
one conditional UPDATE (people/attempts.py) before the slow Argon2 check, so however many
guesses arrive at once, at most `max_attempts` of them are ever checked. The claim that reaches
the limit sets the lock; if that very attempt (or one still being checked) is right, the success
clears it, exactly as the right password on the last try would have done one at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    max_attempts: int = 5
    lock_minutes: int = 15


@dataclass(frozen=True)
class AttemptState:
    failed_attempts: int
    locked_until: datetime | None


def is_locked(state: AttemptState, at: datetime) -> bool:
    return state.locked_until is not None and at < state.locked_until


def claim_attempt(state: AttemptState, at: datetime, policy: LockoutPolicy) -> AttemptState | None:
    """The state once one more password check begins at `at`; None when the account is locked."""
    if is_locked(state, at):
        return None
    # A lock that ran out starts a fresh series: the next failure alone must not re-lock.
    before = 0 if state.locked_until is not None else state.failed_attempts
    counted = before + 1
    return AttemptState(counted, at + timedelta(minutes=policy.lock_minutes) if counted >= policy.max_attempts
                        else None)


def after_success() -> AttemptState:
    return AttemptState(0, None)
