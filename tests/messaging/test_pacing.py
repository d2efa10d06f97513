"""The fleet-wide token bucket, against the real Redis (or the embedded one)."""
import threading
import time

import pytest
import redis

from messaging.pacing import TokenBucket, outbound_bucket


@pytest.mark.timing  # its upper bound is wall time: under the parallel run's load, threads wake late
def test_the_bucket_holds_the_rate_across_threads(redis_url):
    connection = redis.Redis.from_url(redis_url)
    connection.delete("hotline:pacing:test")
    bucket = TokenBucket(connection, "hotline:pacing:test", rate=40.0, burst=1.0)
    taken: list[float] = []

    def worker():
        for _ in range(20):
            assert bucket.take(timeout=10)
            taken.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = max(taken) - start
    # 60 tokens at 40/s with a burst of 1: the first is free, the other 59 take 59/40 s.
    assert 59 / 40 * 0.95 <= elapsed <= 59 / 40 * 1.25


def test_a_turn_too_far_away_is_refused_not_reserved(redis_url):
    connection = redis.Redis.from_url(redis_url)
    connection.delete("hotline:pacing:slow")
    bucket = TokenBucket(connection, "hotline:pacing:slow", rate=0.1, burst=1.0)
    assert bucket.try_take(max_wait=0) == (True, 0.0)
    granted, retry_in = bucket.try_take(max_wait=1.0)
    assert not granted and 8.0 < retry_in <= 9.0
    assert not bucket.take(timeout=0.5)


def test_calls_and_sms_have_their_own_buckets(redis_url):
    connection = redis.Redis.from_url(redis_url)
    assert outbound_bucket(connection, "calls", 1).key != outbound_bucket(connection, "sms", 1).key
