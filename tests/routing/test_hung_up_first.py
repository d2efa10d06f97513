"""Who hung up first on an answered call (issue #16 item 5): in the call's events and QA's call facts."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline import db


def _facts(app, sid):
    from transcription.models import CallFacts

    with app.app_context():
        return db.session().scalars(select(CallFacts).where(CallFacts.call_sid == sid)).first()


def _hang_ups(api, sid):
    events = api.get(f"/api/calls/{sid}").get_json()["events"]
    return [e["data"] for e in events if e["kind"] == "hung_up_first"]


@pytest.mark.parametrize(("caller_stays", "agent_talks", "first"), [(300, 60, "agent"), (40, 600, "caller")])
def test_the_party_who_left_first_is_recorded_on_the_call_and_for_qa(center, simulator, app, api,
                                                                      caller_stays, agent_talks, first):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=agent_talks)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=caller_stays)
    simulator.run()
    assert simulator.errors == []
    assert _hang_ups(api, caller.sid) == [{"party": first, "agent_id": alice}]
    facts = _facts(app, caller.sid)
    assert (facts.agent_id, facts.hung_up_first) == (alice, first)
    # Twilio retries the Dial's action: nothing is recorded twice.
    action = next(r for r in simulator.requests if "/voice/route/dialed" in r.url)
    assert simulator.replay(action).status == 200
    assert len(_hang_ups(api, caller.sid)) == 1


def test_qa_search_and_the_call_page_show_who_hung_up_first(app, api):
    from hotline.contracts import CallAnswered, ConversationOver, publish
    from tests.support.factories import good_call_zh, make_transcript

    sid = "CA" + "5" * 32
    with app.test_request_context():
        publish(CallAnswered(sid, 42))
        publish(ConversationOver(sid, 42, "agent"))
        db.session().commit()
    make_transcript(app, sid, good_call_zh())
    calls = api.get("/api/qa/search?agent=42").get_json()["calls"]
    assert [(c["call_sid"], c["hung_up_first"]) for c in calls] == [(sid, "agent")]
