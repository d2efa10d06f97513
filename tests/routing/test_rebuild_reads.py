"""The rebuild after a Redis restart, and the routing sweep's open conversations, read the offers not
ended (a handful) through ix_routing_offers_open: one statement whatever the number of agents, and an
index scan whatever the offers' history (issue 14). Before, the rebuild asked for each agent on a call
or reserved in turn, and each of those reads went through the agent's year of offers."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from hotline import db
from hotline.clock import now
from tests.support.sql import explain, statements


def _agents(app, count: int, first: int = 0) -> dict[int, str]:
    """`count` agents on a call (an answered offer not ended, after an older call ended), and one
    reserved for a waiting caller (a ringing offer); returns agent id -> the call they are on."""
    from routing.models import Agent, Offer, RoutedCall

    talking = {}
    with app.app_context():
        session = db.session()
        for i in range(first, first + count):
            agent = Agent(name=f"agent {i}", address=f"client:agent{i}", skills={"inquiry": 3},
                          languages=["zh-CN"], status="on_call", status_since=now())
            session.add(agent)
            session.flush()
            earlier, sid = f"CE{i:032d}", f"CA{i:032d}"
            session.add(Offer(call_sid=earlier, agent_id=agent.id, offered_at=now() - timedelta(hours=1),
                              answered_at=now() - timedelta(hours=1), ended_at=now() - timedelta(minutes=50),
                              result="answered"))
            session.add(Offer(call_sid=sid, agent_id=agent.id, offered_at=now(), answered_at=now(), result="answered"))
            talking[agent.id] = sid
        reserved = Agent(name=f"agent r{first}", address=f"client:r{first}", skills={"inquiry": 3},
                         languages=["zh-CN"], status="reserved", status_since=now())
        session.add(reserved)
        session.flush()
        waiting = f"CR{first:032d}"
        session.add(RoutedCall(call_sid=waiting, queue="inquiry", language="zh-CN", priority=5, entered_at=now()))
        session.add(Offer(call_sid=f"CM{first:032d}", agent_id=reserved.id, offered_at=now(), result="missed",
                          ended_at=now()))
        session.add(Offer(call_sid=waiting, agent_id=reserved.id, offered_at=now(), result="ringing"))
        session.commit()
        talking[reserved.id] = waiting
    return talking


def _rebuild(app) -> tuple[int, dict[int, dict[str, str]]]:
    """(statements the rebuild ran, the live agents after it)."""
    from routing.models import Agent
    from routing.state import get_reservations, rebuild

    with app.app_context():
        session = db.session()
        res = get_reservations(session)
        with statements(app) as seen:
            rebuild(session, res)
        session.commit()
        return len(seen), res.agents(list(session.scalars(select(Agent.id))))


def test_a_rebuild_reads_the_same_statements_whatever_the_agents(app):
    from routing.state import get_reservations

    few = _agents(app, 2)
    small, live = _rebuild(app)
    many = _agents(app, 20, first=100)
    large, live = _rebuild(app)

    assert small == large, f"{small} statements for 3 agents, {large} for 24"
    for talking in (few, many):
        *on_call, reserved = talking.items()
        for agent_id, sid in on_call:
            assert (live[agent_id]["status"], live[agent_id].get("call")) == ("on_call", sid)
        agent_id, sid = reserved
        assert live[agent_id]["status"] == "reserved"  # its ringing offer kept through the rebuild
        with app.app_context():
            assert get_reservations().call(sid).get("agent") == str(agent_id)


def test_on_postgresql_the_open_offers_are_read_through_the_partial_index(app, settings):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the plan is PostgreSQL's")
    from routing.conversations import open_conversations
    from routing.state import open_offers

    talking = _agents(app, 3)
    with app.app_context():
        session = db.session()
        # A year's history: 100,000 ended offers over the same agents, then the statistics.
        session.execute(text(
            "INSERT INTO routing_offers (call_sid, agent_id, offered_at, answered_at, ended_at, result) "
            "SELECT 'CH' || g, (SELECT min(id) FROM agents) + g % 4, now() - g * interval '1 minute', "
            "now() - g * interval '1 minute', now() - g * interval '1 minute' + interval '5 minutes', "
            "CASE WHEN g % 15 = 0 THEN 'missed' ELSE 'answered' END FROM generate_series(1, 100000) g"))
        session.execute(text("ANALYZE routing_offers"))
        session.commit()

    with statements(app) as seen, app.app_context():
        session = db.session()
        offers = open_offers(session)
        conversations = open_conversations(session)
        session.rollback()

    *on_call, (reserved, waiting) = talking.items()
    assert {agent_id: c.call_sid for agent_id, c in conversations.items()} == dict(on_call)
    assert offers == {**{(agent_id, "answered"): sid for agent_id, sid in on_call}, (reserved, "ringing"): waiting}
    reads = [(sql, parameters) for sql, parameters, _ in seen if "FROM routing_offers" in sql]
    assert len(reads) == 2
    for sql, parameters in reads:
        plan = explain(app, sql, parameters)
        assert "ix_routing_offers_open" in plan and "Seq Scan on routing_offers" not in plan, plan
