"""Conference mode (ROUTING_CONFERENCE, routing/conference.py) end to end with the call simulator
over real HTTP: the agent is rung over REST while the caller waits in the queue, and once answered
both meet in the conference named for the call."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from hotline.conference_events import conference_name
from hotline.jobs import run_burst
from tests.support.conference import in_room


INQUIRY_MUSIC = "https://music.example.com/inquiry-zh.mp3"


@pytest.fixture
def settings(settings, tmp_path):
    from routing.rules import DEFAULT_PATH

    text = DEFAULT_PATH.read_text(encoding="utf-8")
    find = "  inquiry:\n    skill: inquiry\n"
    assert find in text
    rules = tmp_path / "queues.yaml"
    rules.write_text(text.replace(find, find + f"    hold_music: {{zh-CN: {INQUIRY_MUSIC}}}\n"), encoding="utf-8")
    return dataclasses.replace(settings, routing_conference=True, queue_rules_path=rules)


def _events(app, sid, kind):
    from hotline import db
    from hotline.models import Call, CallEvent

    with app.app_context():
        session = db.session()
        call = session.scalars(select(Call).where(Call.sid == sid)).one()
        return [e.data for e in session.scalars(select(CallEvent).where(CallEvent.call_id == call.id,
                                                                          CallEvent.kind == kind)
                                                 .order_by(CallEvent.id))]


def test_an_answered_caller_meets_the_agent_in_a_conference_recorded_from_the_callers_leg(center, simulator, app):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=2, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=90)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    assert caller.queue is None  # out of the Twilio queue, into the conference
    agent_leg = next(leg for leg in simulator.calls if leg.to == "client:alice")
    assert agent_leg.direction == "outbound-api"  # rung over REST, not by the caller's Dial
    simulator.run()
    assert simulator.errors == []
    assert caller.status == "completed" and agent_leg.status == "completed"
    routed = center.routed(caller.sid)
    assert (routed.outcome, routed.agent_id, routed.rings) == ("answered", alice, 2)
    assert (routed.answered_at - routed.entered_at).total_seconds() <= 15
    assert center.offers(caller.sid) == [(alice, "answered")]
    assert center.agent_status(alice) == "wrap_up"
    assert _events(app, caller.sid, "hung_up_first") == [{"party": "caller", "agent_id": alice}]
    joined = {e.get("call_sid") for e in _events(app, caller.sid, "conference")
              if e.get("event") == "participant-join"}
    assert caller.sid in joined
    # The caller's own leg, both channels: the caller, and what the caller heard (the agent).
    [recording] = caller.recordings
    assert (recording.channels, recording.source) == (2, "StartCallRecordingAPI")
    from hotline import db
    from recordings.models import Recording

    with app.app_context():
        row = db.session().scalars(select(Recording).where(Recording.sid == recording.sid)).one()
        assert (row.call_sid, row.channels, row.twilio_status) == (caller.sid, 2, "completed")


def test_a_missed_offer_rings_the_next_agent_within_three_rings(center, simulator, app):
    alice = center.agent("alice", {"inquiry": 5})
    bob = center.agent("bob", {"inquiry": 3})
    simulator.agent("client:alice", behaviour="no-answer")
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=60)
    simulator.run()
    assert simulator.errors == []
    assert center.offers(caller.sid) == [(alice, "missed"), (bob, "answered")]
    alice_leg = next(leg for leg in simulator.calls if leg.to == "client:alice")
    assert alice_leg.status == "no-answer" and alice_leg.duration <= 15  # never more than three rings
    assert alice_leg.direction == "outbound-api"  # the REST call's Timeout is the ring limit
    assert center.agent_status(alice) == "missed"
    routed = center.routed(caller.sid)
    assert (routed.outcome, routed.agent_id) == ("answered", bob)
    assert 15 <= (routed.answered_at - routed.entered_at).total_seconds() <= 22
    assert caller.queue is None and len(caller.recordings) == 1


def test_the_agents_leg_dropping_puts_the_caller_back_at_the_head_of_the_line(center, simulator, app, api):
    alice = center.agent("alice", {"inquiry": 4})
    bob = center.agent("bob", {"inquiry": 4}, status="break")
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=20)  # alice's leg goes after 20 s
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    first = simulator.call(url="/voice/route?queue=inquiry", hangup_after=200)
    later = simulator.call(from_="+8613900000002", url="/voice/route?queue=inquiry", at=10, hangup_after=200)
    simulator.run(until=40)
    assert first.status == "in-progress" and first.queue == "hotline-inquiry"  # back in line, not hung up
    assert _events(app, first.sid, "hung_up_first") == [{"party": "agent", "agent_id": alice}]
    assert center.agent_status(alice) == "wrap_up"
    api.patch(f"/api/agents/{bob}", {"status": "available"})
    run_burst(app, ("default",))  # bob is rung for the caller at the head of the line
    assert simulator.run_until(lambda: in_room(simulator, first.sid) == {"caller", "client:bob"}, limit=30)
    assert later.queue == "hotline-inquiry"
    assert center.offers(first.sid) == [(alice, "answered"), (bob, "answered")]
    routed = center.routed(first.sid)
    assert (routed.outcome, routed.agent_id) == ("answered", alice)  # counted once, by its first answer
    assert len(first.recordings) <= 1  # one recording of the caller's leg, whatever agents come and go
    simulator.run(until=simulator.now + 5)
    assert simulator.errors == []


def test_a_caller_who_hangs_up_while_the_agent_rings_stops_the_ringing(center, simulator, app):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=3, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=6)
    simulator.run()
    assert simulator.errors == []
    alice_leg = next(leg for leg in simulator.calls if leg.to == "client:alice")
    assert alice_leg.direction == "outbound-api" and alice_leg.status == "canceled" and alice_leg.duration < 10
    assert center.offers(caller.sid) == [(alice, "canceled")]
    assert center.routed(caller.sid).outcome == "abandoned"
    assert center.agent_status(alice) == "available"


def test_hold_resume_mute_and_unmute_through_the_api(center, simulator, app, api):
    alice = center.agent("alice", {"inquiry": 4})
    bob = center.agent("bob", {"inquiry": 4}, status="break")
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=120)
    simulator.run(until=2)
    assert api.post(f"/api/calls/{caller.sid}/hold").status_code == 409  # the agent still rings
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    simulator.run(until=simulator.now + 2)
    own = api.mint("agent", agent_id=alice)
    other = api.mint("agent", agent_id=bob)
    assert api.post(f"/api/calls/{caller.sid}/hold", token=other).status_code == 403
    assert api.post(f"/api/calls/{caller.sid}/resume", token=own).status_code == 409  # not on hold
    held_at = simulator.now
    held = api.post(f"/api/calls/{caller.sid}/hold", token=own)
    assert held.status_code == 200 and held.get_json() == {"sid": caller.sid, "hold": True, "muted": False}
    assert api.post(f"/api/calls/{caller.sid}/hold").status_code == 409  # already on hold
    simulator.run(until=simulator.now + 20)
    room = simulator.conferences.live(conference_name(caller.sid))
    assert next(p for p in room.participants if p.call.sid == caller.sid).hold
    assert any("您的通话已被保持" in text for text in caller.said)  # in the caller's language
    assert INQUIRY_MUSIC in caller.played  # the queue's music for the caller's language
    assert api.post(f"/api/calls/{caller.sid}/resume").get_json()["hold"] is False  # a supervisor may
    on_hold = simulator.now - held_at
    muted = api.post(f"/api/calls/{caller.sid}/mute", token=own)
    assert muted.status_code == 200 and muted.get_json()["muted"] is True
    simulator.run(until=simulator.now + 1)
    assert next(p for p in room.participants if p.call.to == "client:alice").muted
    assert api.post(f"/api/calls/{caller.sid}/unmute", token=own).get_json()["muted"] is False
    simulator.run()
    assert simulator.errors == []
    [ended] = _events(app, caller.sid, "hold_ended")
    # The app's clock is the simulator's as of its last webhook (API requests do not set it).
    assert on_hold >= 20 and on_hold <= ended["seconds"] <= on_hold + 3 and ended["agent_id"] == alice
    assert center.routed(caller.sid).hold_seconds == ended["seconds"]  # the KPI pack's hold time
    assert [e["event"] for e in _events(app, caller.sid, "conference")].count("participant-hold") == 1
    assert api.post(f"/api/calls/{caller.sid}/hold").status_code == 409  # the conversation is over


def test_a_lost_redirect_into_the_conference_is_made_good_by_the_next_wait_request(center, simulator, app):
    center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=60)
    simulator.sandbox.fail_next(status=500, code=20500, path_contains=f"Calls/{caller.sid}.json")
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    assert not [r for r in simulator.sandbox.state.redirects if caller.sid in str(r)]  # the redirect failed
    left = [r for r in simulator.requests if "/voice/route/left" in r.url]  # the Enqueue's action
    assert [r.params["QueueResult"] for r in left] == ["leave"]  # the waitUrl let the caller out
    simulator.run()
    assert simulator.errors == [] and center.routed(caller.sid).outcome == "answered"


def test_the_agent_legs_end_without_its_dial_action_still_puts_the_caller_back(center, simulator, app, twilio):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=120)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    from hotline import db
    from routing.models import Offer

    with app.app_context():
        leg = db.session().scalars(select(Offer.leg_sid).where(Offer.call_sid == caller.sid)).one()
    # Only the leg's status callback arrives (its Dial action was lost); Twilio still has the caller live.
    url = f"/voice/route/agent/status?call={caller.sid}&agent={alice}&offer=1"
    answer = twilio.post(url, twilio.call_params(leg, CallStatus="completed", Direction="outbound-api"))
    assert answer.status_code == 204
    simulator.run(until=simulator.now + 5)
    assert caller.status == "in-progress" and caller.queue == "hotline-inquiry"  # back in line
    assert _events(app, caller.sid, "hung_up_first") == [{"party": "agent", "agent_id": alice}]
    assert twilio.post(url, twilio.call_params(leg, CallStatus="completed")).status_code == 204  # a retry: nothing
    assert center.agent_status(alice) == "wrap_up"


def test_the_agent_ends_the_call_and_the_caller_is_hung_up_not_put_back_in_line(center, simulator, app, api):
    alice = center.agent("alice", {"inquiry": 4})
    bob = center.agent("bob", {"inquiry": 4})  # free: a caller put back in line would be offered to him
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=300)
    assert simulator.run_until(lambda: len(in_room(simulator, caller.sid)) == 2, limit=30)
    talking = next(p for p in in_room(simulator, caller.sid) if p != "caller")
    agent = alice if talking == "client:alice" else bob
    other = bob if agent == alice else alice
    simulator.run(until=simulator.now + 10)
    assert api.post(f"/api/calls/{caller.sid}/end", token=api.mint("agent", agent_id=other)).status_code == 403
    ended = api.post(f"/api/calls/{caller.sid}/end", token=api.mint("agent", agent_id=agent))
    assert ended.status_code == 200 and ended.get_json() == {"sid": caller.sid, "ended": True, "agent_id": agent}
    simulator.run(until=simulator.now + 30)
    assert caller.status == "completed"
    assert center.offers(caller.sid) == [(agent, "answered")]  # never offered again
    assert center.agent_status(agent) == "wrap_up" and center.agent_status(other) == "available"
    assert _events(app, caller.sid, "hung_up_first") == [{"party": "agent", "agent_id": agent}]
    assert [e["agent_id"] for e in _events(app, caller.sid, "ended_by_agent")] == [agent]
    assert api.post(f"/api/calls/{caller.sid}/end").status_code == 409  # over
    routed = center.routed(caller.sid)
    assert (routed.outcome, routed.agent_id) == ("answered", agent)
    assert simulator.errors == []


def test_an_end_twilio_refused_leaves_a_later_drop_taking_the_caller_back_to_the_line(center, simulator, app, api):
    alice = center.agent("alice", {"inquiry": 4})
    bob = center.agent("bob", {"inquiry": 4}, status="break")
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)  # her line drops after 30 s
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=300)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    simulator.run(until=simulator.now + 5)
    simulator.sandbox.fail_next(status=503, code=20500, message="Service Unavailable", path_contains=caller.sid)
    refused = api.post(f"/api/calls/{caller.sid}/end", token=api.mint("agent", agent_id=alice))
    assert refused.status_code == 503
    assert [e["agent_id"] for e in _events(app, caller.sid, "end_refused")] == [alice]
    simulator.run(until=simulator.now + 40)
    assert caller.status == "in-progress" and caller.queue == "hotline-inquiry"  # back in line, never alone
    api.patch(f"/api/agents/{bob}", {"status": "available"})
    run_burst(app, ("default",))
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:bob"}, limit=30)
    assert simulator.errors == []
