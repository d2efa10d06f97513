"""The end of wrap-up is held by the database: an agent whose wrap-up job was lost (a Redis flush,
a killed worker) is freed by the routing sweep once the queue's wrap-up time is over, and takes
the next caller."""
from __future__ import annotations

import pytest

from hotline import db
from hotline.jobs import get_queue
from routing.lifecycle import conversation_ended, wrap_up_over
from routing.state import get_reservations, now_ts
from routing.sweeps import sweep_routing
from tests.routing.test_simulated_calls import connected_to

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "ends the conversation by the agent hanging up the direct Dial (in conference mode that returns the "
    "caller to the line)")


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


@DIRECT_DIAL
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


@DIRECT_DIAL
def test_an_agent_freed_by_the_sweep_takes_the_caller_waiting(center, simulator, app, clock):
    alice, second = in_wrap_up_with_a_caller_waiting(center, simulator, app, hangup_after=600, wait=5)
    assert second.status == "in-progress" and center.agent_status(alice) == "wrap_up"
    clock.advance(31)
    _sweep(app)
    assert center.agent_status(alice) == "reserved"


@DIRECT_DIAL
def test_a_wrap_up_ends_at_its_time_for_the_next_caller_with_no_job_and_no_sweep(center, simulator, app):
    """The chaos runs: with the default worker killed every 36 s, wrap-ups of 7 s lasted 33-66 s, and
    callers gave up in line while agents sat in wrap-up. The live state ends a wrap-up at its time
    by itself, at the waiting caller's next request."""
    alice, second = in_wrap_up_with_a_caller_waiting(center, simulator, app, hangup_after=600, wait=5)
    assert center.agent_status(alice) == "wrap_up"  # the first call ended at 36.5 s; inquiry's wrap-up is 30 s
    simulator.run(until=simulator.now + 10)  # past 66.5 s: the caller's waitUrl asks again; no sweep, no job
    assert center.agent_status(alice) in ("reserved", "on_call")
    simulator.run(until=simulator.now + 20)
    assert connected_to(second) == ["client:alice"]


def test_a_late_wrap_up_job_does_not_cut_a_later_wrap_up_short(center, app, clock):
    """A wrap-up job that comes round late (its worker was down) finds the agent in the wrap-up of a
    later call: that one runs its full time."""
    alice = center.agent("alice", {"inquiry": 4})
    first, _ = center.enter("inquiry")
    with app.app_context():
        session = db.session()
        res = get_reservations(session)
        assert res.answer(alice, first, now_ts()) == 2
        conversation_ended(session, res, first, alice)  # wrap-up until now + 30
        session.commit()
        res.set_status(alice, "available", now_ts())  # freed early, as a supervisor may
        second, _ = center.enter("inquiry")
        assert res.agent(alice)["call"] == second
        assert res.answer(alice, second, now_ts()) == 2
        conversation_ended(session, res, second, alice)
        session.commit()
        assert not wrap_up_over(session, res, alice, first)  # the first call's job, late
        assert res.agent(alice)["status"] == "wrap_up"
    clock.advance(31)
    with app.app_context():
        session = db.session()
        res = get_reservations(session)
        assert wrap_up_over(session, res, alice, second)
        session.commit()
        assert res.agent(alice)["status"] == "available"
