"""The end of wrap-up is held by the database: an agent whose wrap-up job was lost (a Redis flush,
a killed worker) is freed by the routing sweep once the queue's wrap-up time is over, and takes
the next caller."""
from __future__ import annotations

from hotline.jobs import get_queue
from routing.sweeps import sweep_routing


def _lose_the_wrap_up_jobs(app) -> int:
    with app.app_context():
        queue = get_queue("default")
        lost = 0
        for job_id in queue.scheduled_job_registry.get_job_ids():
            if job_id.startswith("routing-wrapup-"):
                queue.scheduled_job_registry.remove(job_id, delete_job=True)
                lost += 1
        return lost


def _sweep(app) -> dict:
    with app.app_context():
        return sweep_routing()


def test_a_wrap_up_whose_job_was_lost_ends_at_its_time_by_the_sweep(center, simulator, app, clock):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    assert center.agent_status(alice) == "wrap_up"
    assert _lose_the_wrap_up_jobs(app) == 1

    clock.advance(20)
    assert _sweep(app)["wrap_ups_ended"] == 0 and center.agent_status(alice) == "wrap_up"  # 30 s for inquiry
    clock.advance(11)
    assert _sweep(app)["wrap_ups_ended"] == 1
    assert center.agent_status(alice) == "available"
    assert _sweep(app)["wrap_ups_ended"] == 0  # once


def in_wrap_up_with_a_caller_waiting(center, simulator, app, hangup_after: float, wait: float):
    """Alice in wrap-up after a first call whose wrap-up job was lost, and a second caller waiting
    `wait` seconds; returns (alice, the second caller)."""
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    first = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run(until=60)
    assert first.status == "completed" and center.agent_status(alice) == "wrap_up"
    assert _lose_the_wrap_up_jobs(app) == 1
    second = simulator.call(url="/voice/route?queue=inquiry", hangup_after=hangup_after)
    simulator.run(until=simulator.now + wait)
    return alice, second


def test_an_agent_freed_by_the_sweep_takes_the_caller_waiting(center, simulator, app, clock):
    alice, second = in_wrap_up_with_a_caller_waiting(center, simulator, app, hangup_after=600, wait=30)
    assert second.status == "in-progress" and center.agent_status(alice) == "wrap_up"
    clock.advance(31)
    _sweep(app)
    assert center.agent_status(alice) == "reserved"
