"""routing.lifecycle: each step's jobs and events follow the caller's commit, never a rollback."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline import db
from hotline.contracts import CallAnswered, subscribe, unsubscribe
from routing.lifecycle import agent_freed, answered, conversation_ended
from routing.models import AgentEvent
from routing.state import get_reservations, now_ts
from tests.support.twiml import query, twiml

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "posts the direct Dial's whisper and action by hand; the same lifecycle steps in conference mode: "
    "tests/routing/test_conference_calls.py")


def _jobs(app) -> list[str]:
    from hotline.jobs import get_queue

    with app.app_context():
        queue = get_queue("default")
        return list(queue.job_ids) + list(queue.scheduled_job_registry.get_job_ids())


def test_a_freed_agent_s_pull_job_follows_the_commit_not_a_rollback(center, app):
    agent = center.agent("wang", {"inquiry": 3}, status="break")
    sid, _ = center.enter("inquiry")
    with app.app_context():
        session = db.session()
        res = get_reservations(session)
        res.set_status(agent, "available", now_ts())
        assert agent_freed(session, res, agent) == sid
        session.rollback()
        assert _jobs(app) == []
        assert not session.scalars(select(AgentEvent).where(AgentEvent.reason == "reserved")).all()
        res.release(agent, sid, "available", now_ts(), requeue=True)  # the live line, as before
    with app.app_context():
        session = db.session()
        res = get_reservations(session)
        assert agent_freed(session, res, agent) == sid
        session.commit()
        session.commit()
    assert _jobs(app) == [f"routing-pull-{sid}-{agent}"]


@DIRECT_DIAL
def test_an_answer_and_a_conversation_s_end_announce_and_schedule_after_the_commit(center, app):
    agent = center.agent("wang", {"inquiry": 3})
    sid, doc = center.enter("inquiry")
    offer = int(query(doc.find("Dial").get("action"))["offer"])
    heard: list[str] = []

    def receiver(event):
        heard.append(event.call_sid)

    subscribe(CallAnswered, receiver, app)
    try:
        with app.app_context():
            session = db.session()
            res = get_reservations(session)
            assert answered(session, res, sid, agent, offer)
            conversation_ended(session, res, sid, agent)
            assert heard == [] and _jobs(app) == []
            session.commit()
        assert heard == [sid]
        assert _jobs(app) == [f"routing-wrapup-{agent}-{sid}"]
        assert center.agent_status(agent) == "wrap_up"
    finally:
        unsubscribe(CallAnswered, receiver, app)
    assert twiml(center.post(doc.find("Dial").get("action"), sid, DialCallStatus="completed")).find("Hangup") \
        is not None  # the Dial's action, arriving after, changes nothing
