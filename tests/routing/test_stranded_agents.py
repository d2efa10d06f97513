"""An agent is on a call only while that call lasts, whatever the live state lost.

The chaos benchmark's run on SQLite lost 76 of 100 callers: every agent answered a second call and
then stayed `on_call` in the database for good. The live state (Redis) had lost the agent's call
(a restart from a second-old file, or an answer recorded while Redis was down and the reservation
expired after), so the conversation's end found nothing to release and left the agent as it was.
The database holds the truth of who is talking to whom: the conversation's end moves the agent
whenever the database says the call was theirs, and the routing sweep puts the live state back in
line with it (an agent talking is on_call there; an agent whose call is over is not)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline import db
from hotline.redis_client import get_redis
from routing.sweeps import sweep_routing
from tests.routing.test_simulated_calls import connected_to

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "strands an agent by losing the direct Dial's callbacks (its action, the agent hanging up to end the "
    "call); conference mode's agent leaving: tests/routing/test_conference_calls.py")


def _sweep(app) -> dict:
    with app.app_context():
        return sweep_routing()


def _live(app, agent_id: int) -> dict[str, str]:
    with app.app_context():
        return {k.decode(): v.decode() for k, v in get_redis().hgetall(f"routing:agent:{agent_id}").items()}


def _recorded(app, agent_id: int) -> str:
    """The agent's status in the database (the API reports the live one)."""
    from routing.models import Agent

    with app.app_context():
        return db.session().get(Agent, agent_id).status


def _lose_the_agents_call(app, agent_id: int, sid: str) -> None:
    """A Redis restarted from a file written before the agent was reserved: free, no call, and the
    caller unknown (the marker still names this run, as when the sweep has not looked yet)."""
    with app.app_context():
        redis = get_redis()
        redis.hset(f"routing:agent:{agent_id}", "status", "available")
        redis.hdel(f"routing:agent:{agent_id}", "call")
        redis.delete(f"routing:call:{sid}")


def _talking(center, simulator, app, talk_seconds: float = 60):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=talk_seconds)
    caller = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run(until=20)
    assert connected_to(caller) == ["client:alice"] and _recorded(app, alice) == "on_call"
    return alice, caller


@DIRECT_DIAL
def test_a_conversation_whose_agent_the_live_state_lost_still_ends_in_wrap_up(center, simulator, app, clock):
    alice, caller = _talking(center, simulator, app)
    _lose_the_agents_call(app, alice, caller.sid)

    simulator.run()
    assert caller.status == "completed"
    assert _recorded(app, alice) == "wrap_up"
    assert _live(app, alice)["status"] == "wrap_up"
    clock.advance(31)
    _sweep(app)
    assert _recorded(app, alice) == "available" and _live(app, alice)["status"] == "available"


@DIRECT_DIAL
def test_an_agent_the_live_state_freed_mid_call_is_put_back_on_the_call_by_the_sweep(center, simulator, app, clock):
    """An answer recorded while Redis was down leaves the reservation in Redis; it expires and frees
    the agent there while they talk. The sweep puts them back on the call, so no caller rings them."""
    alice, caller = _talking(center, simulator, app, talk_seconds=600)
    with app.app_context():
        redis = get_redis()
        redis.hset(f"routing:agent:{alice}", "status", "available")
        redis.hdel(f"routing:agent:{alice}", "call")

    clock.advance(11)
    assert _sweep(app)["conversations_restored"] == 1
    live = _live(app, alice)
    assert (live["status"], live.get("call")) == ("on_call", caller.sid)
    second = simulator.call(url="/voice/route?queue=inquiry", hangup_after=30)
    simulator.run(until=simulator.now + 20)
    assert connected_to(second) == []  # waits: alice is talking
    assert _recorded(app, alice) == "on_call"

    simulator.run()
    assert caller.status == "completed" and _recorded(app, alice) in {"wrap_up", "available", "reserved"}


@DIRECT_DIAL
def test_an_agent_marked_missed_for_a_ring_during_their_call_is_put_back_on_it(center, simulator, app, clock):
    alice, caller = _talking(center, simulator, app, talk_seconds=600)
    with app.app_context():
        get_redis().hset(f"routing:agent:{alice}", "status", "missed")
        get_redis().hdel(f"routing:agent:{alice}", "call")
    clock.advance(11)
    assert _sweep(app)["conversations_restored"] == 1
    assert _live(app, alice)["status"] == "on_call"


@DIRECT_DIAL
def test_the_end_of_a_conversation_retried_after_its_commit_was_lost_records_the_wrap_up(center, simulator, app, clock):
    """Redis moved the agent to wrap-up; the database went down before the commit; Twilio's retry
    finds Redis done and must still record the wrap-up and schedule its end."""
    alice, caller = _talking(center, simulator, app)
    with app.app_context():
        from routing.state import get_reservations, now_ts

        session = db.session()
        assert get_reservations(session).release(alice, caller.sid, "wrap_up", now_ts())
        session.rollback()
    simulator.run()
    assert _recorded(app, alice) == "wrap_up"
    clock.advance(31)
    _sweep(app)
    assert _recorded(app, alice) == "available"


@DIRECT_DIAL
def test_a_live_on_call_whose_call_the_database_has_ended_is_wrapped_up_by_the_sweep(center, simulator, app, clock):
    """Redis restored from a file holding the call (its end lost), without a restart the sweep can
    see (a failover to a replica keeps the run marker)."""
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    caller = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    clock.advance(31)
    _sweep(app)
    assert _recorded(app, alice) == "available"
    with app.app_context():
        get_redis().hset(f"routing:agent:{alice}", mapping={"status": "on_call", "call": caller.sid})

    clock.advance(11)
    assert _sweep(app)["conversations_ended"] == 1
    assert _live(app, alice)["status"] in {"wrap_up", "available"}
    clock.advance(31)
    _sweep(app)
    assert _recorded(app, alice) == "available" and _live(app, alice)["status"] == "available"
    second = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    assert connected_to(second) == ["client:alice"]


@DIRECT_DIAL
def test_a_rebuild_never_leaves_an_agent_on_call_without_a_call(center, simulator, app, clock):
    """The database has the agent on_call but the conversation over (its end recorded, the agent's
    move lost): the rebuild must not make them on_call with no call to end."""
    from routing.models import Agent

    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    with app.app_context():
        session = db.session()
        session.get(Agent, alice).status = "on_call"
        session.commit()
        get_redis().set("routing:built", "0123456789abcdef-an-earlier-run 0")
    clock.advance(31)
    assert _sweep(app)["rebuilt"] == 1
    clock.advance(31)
    _sweep(app)
    assert _recorded(app, alice) == "available" and _live(app, alice)["status"] == "available"


@DIRECT_DIAL
def test_the_sweep_leaves_a_true_conversation_alone(center, simulator, app, clock):
    alice, caller = _talking(center, simulator, app, talk_seconds=600)
    clock.advance(11)
    swept = _sweep(app)
    assert (swept["conversations_restored"], swept["conversations_ended"]) == (0, 0)
    assert _live(app, alice)["status"] == "on_call" and _recorded(app, alice) == "on_call"
    with app.app_context():
        from routing.models import AgentEvent

        events = db.session().scalars(select(AgentEvent.status).where(AgentEvent.agent_id == alice)
                                      .order_by(AgentEvent.id)).all()
    assert events[-1] == "on_call" and events.count("on_call") == 1
    assert center.routed(caller.sid).outcome == "answered"


@DIRECT_DIAL
def test_a_conversation_whose_call_ended_with_every_callback_lost_is_ended_by_the_sweep(center, simulator, app, clock):
    """The call's end is recorded (`/voice/status`, or the reconciliation asking Twilio), but the
    Dial's action was lost and the live state had lost the conversation, so nothing ended it."""
    from hotline.models import Call

    alice, caller = _talking(center, simulator, app, talk_seconds=600)
    _lose_the_agents_call(app, alice, caller.sid)
    with app.app_context():
        session = db.session()
        call = session.scalars(select(Call).where(Call.sid == caller.sid)).one()
        call.status, call.ended_at = "completed", clock.now()
        session.commit()
    assert _sweep(app)["conversations_ended"] == 0  # not before the change settles
    clock.advance(11)
    assert _sweep(app)["conversations_ended"] == 1
    assert _recorded(app, alice) == "wrap_up" and _live(app, alice)["status"] == "wrap_up"
    assert center.routed(caller.sid).ended_at is not None


@DIRECT_DIAL
def test_the_calls_end_ends_a_conversation_the_live_state_lost(center, simulator, app):
    """`/voice/status` (or the reconciliation) reports the call's end before the Dial's action."""
    from hotline.contracts import CallEnded
    from routing.presence import on_call_ended

    alice, caller = _talking(center, simulator, app, talk_seconds=600)
    _lose_the_agents_call(app, alice, caller.sid)
    with app.app_context():
        on_call_ended(CallEnded(caller.sid, "completed"))
    assert _recorded(app, alice) == "wrap_up" and _live(app, alice)["status"] == "wrap_up"
