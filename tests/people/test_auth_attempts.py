"""The conditional UPDATE makes the same choices as the lock-out rule, on SQLite and PostgreSQL."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from hotline import db
from people import attempts, lockout
from people.models import User

POLICY = lockout.LockoutPolicy(max_attempts=3, lock_minutes=15)
STEPS = st.lists(st.one_of(st.just("attempt"), st.just("success"), st.integers(1, 20)), max_size=12)


@pytest.fixture
def user_id(people):
    return people.add("li.na", role="qa")


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_database_follows_the_rule(app, clock, user_id, steps):
    """Attempts, successes and minutes passing: the row and the pure rule agree at every step."""
    with app.app_context():
        session = db.session()
        user = session.get(User, user_id)
        attempts.clear_attempts(session, user)
        session.commit()
        expected = lockout.AttemptState(0, None)
        for step in steps:
            if step == "attempt":
                wanted = lockout.claim_attempt(expected, clock.now(), POLICY)
                got = attempts.claim_attempt(session, user, clock.now(), POLICY)
                session.commit()
                assert got == wanted
                expected = wanted or expected
            elif step == "success":
                attempts.clear_attempts(session, user)
                session.commit()
                expected = lockout.after_success()
            else:
                clock.advance(minutes=step)
            assert attempts.current_state(session, user) == expected
        assert (user.failed_attempts, user.locked_until) == (expected.failed_attempts, expected.locked_until)


def test_a_locked_account_is_not_changed_by_a_claim(app, clock, user_id):
    with app.app_context():
        session = db.session()
        user = session.get(User, user_id)
        for _ in range(POLICY.max_attempts):
            assert attempts.claim_attempt(session, user, clock.now(), POLICY) is not None
        session.commit()
        locked = attempts.current_state(session, user)
        clock.advance(minutes=14)
        assert attempts.claim_attempt(session, user, clock.now(), POLICY) is None
        assert attempts.current_state(session, user) == locked
        assert locked.locked_until - clock.now() == timedelta(minutes=1)
