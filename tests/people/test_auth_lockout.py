"""The lock-out rule alone: attempts counted as they begin, lock length, expiry."""
from datetime import datetime, timedelta, timezone

import pytest

from people.lockout import AttemptState, LockoutPolicy, after_success, claim_attempt, is_locked

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
POLICY = LockoutPolicy(max_attempts=5, lock_minutes=15)


def attempts(times: int, state=AttemptState(0, None), at=T0):
    for _ in range(times):
        state = claim_attempt(state, at, POLICY)
    return state


@pytest.mark.parametrize("tries,locked", [(1, False), (4, False), (5, True)])
def test_the_fifth_attempt_locks(tries, locked):
    assert is_locked(attempts(tries), T0) is locked


def test_no_attempt_begins_while_locked():
    assert claim_attempt(attempts(5), T0 + timedelta(minutes=14), POLICY) is None


def test_a_lock_lasts_its_minutes_then_ends():
    state = attempts(5)
    assert state.locked_until == T0 + timedelta(minutes=15)
    assert is_locked(state, T0 + timedelta(minutes=14, seconds=59))
    assert not is_locked(state, T0 + timedelta(minutes=15))


def test_after_a_lock_runs_out_one_failure_does_not_relock():
    later = T0 + timedelta(minutes=16)
    state = claim_attempt(attempts(5), later, POLICY)
    assert state.failed_attempts == 1 and not is_locked(state, later)


def test_success_clears_the_count():
    assert after_success() == AttemptState(0, None)
