"""Fixed-window counters in Redis: the limit, the window's expiry and what Retry-After says."""
import time

from hotline.rate_limit import hit


def test_hits_past_the_limit_are_refused_until_the_window_ends(app):
    with app.app_context():
        verdicts = [hit("test:limit:a", 3, 60) for _ in range(5)]
        assert [v.allowed for v in verdicts] == [True, True, True, False, False]
        assert [v.count for v in verdicts] == [1, 2, 3, 4, 5]
        assert all(0 < v.retry_after <= 60 for v in verdicts)
        assert hit("test:limit:b", 3, 60).allowed  # keys are counted apart


def test_a_new_window_starts_when_the_old_one_expires(app):
    with app.app_context():
        assert hit("test:limit:c", 1, 1).allowed
        assert not hit("test:limit:c", 1, 1).allowed
        time.sleep(1.1)
        assert hit("test:limit:c", 1, 1).allowed


def test_refused_hits_do_not_stretch_the_window(app):
    from hotline.redis_client import get_redis

    with app.app_context():
        hit("test:limit:d", 1, 60)
        get_redis().expire("test:limit:d", 5)
        assert hit("test:limit:d", 1, 60).retry_after <= 5
