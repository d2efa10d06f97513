"""The lock-out rule for wrong passwords, as plain Python so it can be tested alone.

After `max_attempts` wrong passwords in a row an account is locked for `lock_minutes`; while
locked even the right password is refused (otherwise a guesser would learn when they hit it).
A successful sign-in, or an admin's unlock, clears the count. Counting consecutive failures
rather than failures per time window keeps the state in two columns and survives restarts.
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


def after_failure(state: AttemptState, at: datetime, policy: LockoutPolicy) -> AttemptState:
    """The state after one more wrong password at `at`."""
    if state.locked_until is not None and at >= state.locked_until:
        # A lock that ran out starts a fresh series: the next failure alone must not re-lock.
        state = AttemptState(0, None)
    failed = state.failed_attempts + 1
    if failed >= policy.max_attempts:
        return AttemptState(failed, at + timedelta(minutes=policy.lock_minutes))
    return AttemptState(failed, state.locked_until)


def after_success() -> AttemptState:
    return AttemptState(0, None)
