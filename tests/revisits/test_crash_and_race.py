"""At-least-once made exactly-once: a worker SIGKILLed mid-job, and two workers racing, each in its own process."""
from __future__ import annotations

import os
import signal
import time
from collections import Counter
from datetime import timedelta, timezone

import pytest
from rq.job import Job
from rq.registry import StartedJobRegistry

from hotline import jobs
from hotline.jobs import run_burst
from hotline.redis_client import get_redis
from sandbox import press
from sandbox.rest.server import ensure_sandbox
from sandbox.simulator import Simulator
from revisits.dialer import run_revisit_attempt
from tests.revisits.conftest import CUSTOMER
from tests.support.processes import children_of, real_now, start_worker, wait_until

pytestmark = pytest.mark.slow  # real worker processes, one killed mid-job


def test_a_worker_killed_mid_job_still_revisits_exactly_once(app, clock, revisits):
    clock.set(real_now())
    revisit = revisits.resolve()
    sandbox = ensure_sandbox(app.config["HOTLINE_SETTINGS"], app)
    with app.app_context():
        redis = get_redis()
        seconds, micros = redis.time()
        # The fleet's call bucket owes a minute of calls: the job claims its attempt, then waits for its slot.
        redis.hset("hotline:pacing:calls", mapping={"tokens": -6000, "at": seconds + micros / 1e6})
    clock.set((revisit.due_at + timedelta(minutes=2)).astimezone(timezone.utc))
    revisits.sweep()  # the job is queued now
    worker = start_worker(app)
    try:
        wait_until(lambda: revisits.get(revisit.id).state == "calling")
    finally:
        # The machine dies: the worker and its work horse (RQ puts the horse in a session of its own).
        for pid in [worker.pid, *children_of(worker.pid)]:
            os.kill(pid, signal.SIGKILL)
        worker.wait()
    assert sandbox.calls == []
    with app.app_context():
        get_redis().delete("hotline:pacing:calls")

    clock.advance(minutes=16)  # the claim's lease runs out
    assert revisits.sweep()["reclaimed"] == 1
    assert (revisits.get(revisit.id).state, revisits.get(revisit.id).attempts) == ("scheduled", 0)
    with app.app_context():
        # RQ's abandoned-job handling, as a live worker's maintenance runs it once the heartbeat lapsed.
        StartedJobRegistry(queue=jobs.get_queue("outbound")).cleanup(time.time() + 3600)
    clock.advance(minutes=2)
    revisits.sweep()
    sim = Simulator(app)
    sim.customer(CUSTOMER, answer="human", inputs=[press("1"), press("1"), press("4")])
    run_burst(app, ("outbound",))
    sim.run()
    run_burst(app, ("outbound",))
    after = revisits.get(revisit.id)
    assert [c["to"] for c in sandbox.calls] == [CUSTOMER]
    assert (after.state, after.score, after.attempts, len(after.attempt_log)) == ("completed", 4, 1, 1)


def test_two_workers_racing_for_the_same_revisits_dial_each_once(app, clock, revisits):
    clock.set(real_now())
    phones = [f"+86138001390{i:02d}" for i in range(8)]
    racing = [revisits.resolve(phone=phone) for phone in phones]
    sandbox = ensure_sandbox(app.config["HOTLINE_SETTINGS"], app)
    with app.app_context():
        for revisit in racing:  # at-least-once delivery made concrete: every attempt's job arrives twice
            for copy in ("a", "b"):
                jobs.enqueue(run_revisit_attempt, revisit.id, 1, queue="outbound", job_id=f"race-{revisit.id}-{copy}")
    workers = [start_worker(app, "--burst") for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    assert Counter(c["to"] for c in sandbox.calls) == {phone: 1 for phone in phones}
    with app.app_context():
        done = [Job.fetch(f"race-{r.id}-{copy}", connection=get_redis()) for r in racing for copy in ("a", "b")]
        assert Counter(job.return_value().split(":")[0].split(" ")[0] for job in done) == {"called": 8, "skipped": 8}
        assert len({job.worker_name for job in done}) == 2  # both workers took part
    for revisit in racing:
        after = revisits.get(revisit.id)
        assert (after.state, after.attempts, len(after.attempt_log)) == ("calling", 1, 1)
        assert after.call_sid == after.attempt_log[0].sid


def test_a_job_that_outlived_its_lease_does_not_dial(app, clock, revisits):
    """A slow worker (not dead) whose claim the sweeper handed back must not dial a second time."""
    clock.set(real_now())
    revisit = revisits.resolve()
    sandbox = ensure_sandbox(app.config["HOTLINE_SETTINGS"], app)
    with app.app_context():
        redis = get_redis()
        seconds, micros = redis.time()
        redis.hset("hotline:pacing:calls", mapping={"tokens": -6000, "at": seconds + micros / 1e6})  # a minute
    clock.set((revisit.due_at + timedelta(minutes=2)).astimezone(timezone.utc))
    revisits.sweep()
    worker = start_worker(app, "--burst")
    try:
        wait_until(lambda: revisits.get(revisit.id).state == "calling")
        clock.advance(minutes=16)
        assert revisits.sweep()["reclaimed"] == 1  # the sweeper believes the worker dead
        with app.app_context():
            get_redis().delete("hotline:pacing:calls")  # the slow job gets its slot now
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert sandbox.calls == []  # the slow job saw its claim was gone
    with app.app_context():
        result = Job.fetch(f"revisit-{revisit.ticket_id}-1", connection=get_redis()).return_value()
    assert result == "skipped: the claim was handed back while waiting"
