"""A Redis that restarts from its append-only file comes back up to a second stale (`appendfsync
everysec`), not empty: the chaos benchmark's callers it lost were hung up on, and agents whose wrap-up
it lost stayed in wrap-up until the next restart. The database holds the truth: a caller it has
waiting is put back in line when Twilio asks about them, and the routing sweep rebuilds the live
state once it sees the server's run changed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.redis_client import get_redis
from routing.models import AgentEvent
from routing.sweeps import sweep_routing
from tests.routing.test_simulated_calls import connected_to
from tests.routing.test_wrapup_end import _lose_the_wrap_up_jobs, in_wrap_up_with_a_caller_waiting

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "a Redis restart while the caller's <Dial> rings or talks (its Dial action, its agent hanging up to "
    "end the call); conference mode's Redis paths: tests/routing/test_conference_calls.py")


def _sweep(app) -> dict:
    with app.app_context():
        return sweep_routing()


def _forget_caller(app, sid: str) -> None:
    """What a Redis restarted from a file a second old lacks of a caller who arrived in that second."""
    with app.app_context():
        redis = get_redis()
        redis.delete(f"routing:call:{sid}")
        for key in redis.smembers("routing:waitkeys"):
            redis.zrem(key, sid)


def _restart_from_a_stale_file(app, agent_id: int, status: str) -> None:
    """The agent's last change lost, and the state's marker written by the server's previous run."""
    with app.app_context():
        redis = get_redis()
        redis.hset(f"routing:agent:{agent_id}", "status", status)
        redis.set("routing:built", "0123456789abcdef-an-earlier-run 0")


@DIRECT_DIAL
def test_a_waiting_caller_the_live_line_lost_is_put_back_not_hung_up(center, simulator, app, clock):
    alice, second = in_wrap_up_with_a_caller_waiting(center, simulator, app, hangup_after=900, wait=5)
    assert second.status == "in-progress"

    _forget_caller(app, second.sid)
    # Hold music cycles: each asks the waitUrl about the caller, who is put back in line (not hung
    # up) and takes alice when her wrap-up ends at 66.5 s.
    simulator.run(until=simulator.now + 60)
    assert "put back" not in second.timeline_text()  # the caller hears nothing of it
    assert connected_to(second) == ["client:alice"], second.timeline_text()
    assert center.routed(second.sid).outcome == "answered"


def test_a_caller_the_database_has_left_is_not_put_back(center, simulator, app):
    center.agent("alice", {"inquiry": 4}, status="offline")
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=30)
    simulator.run()
    assert caller.status == "completed"
    assert center.routed(caller.sid).outcome == "abandoned"
    with app.app_context():
        from hotline import db
        from routing.state import get_reservations, restored_caller

        session = db.session()
        assert restored_caller(session, get_reservations(session), caller.sid) is None


@DIRECT_DIAL
def test_a_redis_restarted_from_a_stale_file_is_rebuilt_by_the_sweep(center, simulator, app, clock):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    assert center.agent_status(alice) == "wrap_up"
    assert _lose_the_wrap_up_jobs(app) == 1
    _restart_from_a_stale_file(app, alice, "on_call")  # the call's end lost with the last second

    clock.advance(31)
    swept = _sweep(app)
    assert (swept["rebuilt"], swept["wrap_ups_ended"]) == (1, 1)
    assert center.agent_status(alice) == "available"
    assert _sweep(app)["rebuilt"] == 0  # the marker now names this run


def test_the_same_redis_run_is_not_rebuilt(center, app):
    center.agent("alice", {"inquiry": 4})
    _sweep(app)
    assert _sweep(app)["rebuilt"] == 0


@DIRECT_DIAL
def test_an_agent_freed_live_whose_record_was_lost_is_recorded_free_by_the_sweep(center, simulator, app, clock):
    from hotline import db
    from routing.models import Agent

    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    assert _lose_the_wrap_up_jobs(app) == 1
    with app.app_context():  # the wrap-up ended in Redis; its commit failed with the database down
        get_redis().hset(f"routing:agent:{alice}", "status", "available")

    clock.advance(31)
    assert _sweep(app)["wrap_ups_ended"] == 1  # on the record
    assert _sweep(app)["wrap_ups_ended"] == 0
    with app.app_context():
        session = db.session()
        assert session.get(Agent, alice).status == "available"
        freed = session.scalars(select(AgentEvent).where(AgentEvent.agent_id == alice,
                                                         AgentEvent.reason == "wrap_up_over")).all()
        assert len(freed) == 1  # not freed twice


@DIRECT_DIAL
def test_an_offer_ringing_through_a_rebuild_is_answered(center, simulator, app):
    center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=3, talk_seconds=30)
    caller = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run(until=4)  # alice's phone is ringing
    assert caller.status == "in-progress" and connected_to(caller) == []
    with app.app_context():
        get_redis().set("routing:built", "0123456789abcdef-an-earlier-run 0")
    assert _sweep(app)["rebuilt"] == 1

    simulator.run()
    assert connected_to(caller) == ["client:alice"]
    assert center.routed(caller.sid).outcome == "answered"


def _half_rebuilt(app, agent_id: int) -> None:
    """The live state as a rebuild leaves it between its clear and its restore of ringing offers:
    the agent back, free, and the caller in the Dial unknown. The chaos runs' whispers that came in
    that window (a rebuild reads every agent and caller, which takes a while under load) found no
    reservation and hung the agent up, and the caller with them."""
    from routing.models import Agent
    from routing.state import REBUILD_LOCK, agent_view, get_reservations, now_ts

    with app.app_context():
        from hotline import db

        session = db.session()
        res = get_reservations(session)
        res.clear()
        res.redis.set(REBUILD_LOCK, "1", ex=30)  # another process is rebuilding: this one goes on
        for agent in session.scalars(select(Agent)).all():  # the ringing one back as free
            status = "available" if agent.id == agent_id else agent.status
            res.put_agent(agent_view(agent, status), agent.address, agent.name, now_ts())


@DIRECT_DIAL
def test_an_answer_in_the_middle_of_a_rebuild_is_connected_not_hung_up(center, simulator, app):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=3, talk_seconds=30)
    caller = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run(until=4)  # alice's phone is ringing
    _half_rebuilt(app, alice)

    simulator.run()
    assert connected_to(caller) == ["client:alice"], caller.timeline_text()
    assert center.routed(caller.sid).outcome == "answered"
    assert center.agent_status(alice) in ("wrap_up", "available")


def test_an_answer_does_not_take_a_caller_the_live_state_gave_another_agent(center, simulator, app):
    """The database's ringing offer is not enough when the live state has since reserved the caller
    for someone else: that ring decides, this agent is let go."""
    from routing.state import get_reservations, now_ts

    alice = center.agent("alice", {"inquiry": 4})
    bob = center.agent("bob", {"inquiry": 4}, status="break")
    simulator.agent("client:alice", answer_after_rings=3, talk_seconds=30)
    caller = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run(until=4)
    _half_rebuilt(app, alice)
    with app.app_context():
        from hotline import db

        session = db.session()
        res = get_reservations(session)
        res.set_status(alice, "break", now_ts())
        from routing.state import restored_caller  # the caller put back in line, then given to bob
        assert restored_caller(session, res, caller.sid)
        res.set_status(bob, "available", now_ts())
        assert res.reserve_for_agent(bob, res.agent_view(bob).skills, now_ts()) == caller.sid
        res.set_status(alice, "available", now_ts())
        session.commit()

    simulator.run(until=simulator.now + 10)
    assert connected_to(caller) == []
    with app.app_context():
        from hotline import db

        assert get_reservations(db.session()).agent(alice).get("status") == "available"


@DIRECT_DIAL
def test_a_caller_reserved_for_an_agent_who_moved_on_is_not_rung_to_them_again(center, twilio, app):
    """The second chaos run: a Redis restarted from a stale file kept the caller's reservation for an
    agent whose own record had moved on to another caller. Every unanswered offer offered the same
    agent again: 30 offers in 15 s to one agent who could not take it."""
    from routing.state import get_reservations

    alice = center.agent("alice", {"inquiry": 4})
    sid, doc = center.enter("inquiry")
    dial = doc.find("Dial")
    with app.app_context():
        get_redis().hset(f"routing:agent:{alice}", "call", "CA" + "e" * 32)  # alice's side moved on
    params = center.call_params(sid)
    again = center.post_url(dial.get("action"), dict(params, DialCallStatus="completed", DialBridged="false"))
    assert b"<Dial" not in again.data  # not alice again: back in line, in the Twilio queue
    assert b"<Enqueue" in again.data
    with app.app_context():
        from hotline import db

        assert get_reservations(db.session()).call(sid).get("state") == "waiting"
