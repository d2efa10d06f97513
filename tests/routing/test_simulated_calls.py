"""End to end with the call simulator: Twilio's side of every call, on a virtual clock."""
from __future__ import annotations

import re

from sqlalchemy import select

from hotline.jobs import run_burst
from sandbox import press
from tests.support.conference import talked_with


def connected_to(leg) -> list[str]:
    """The addresses this leg was bridged with, in order, from its timeline."""
    return re.findall(r"connected with \w+ \((.+?)\)", leg.timeline_text())


def test_first_agent_answers(center, simulator, app):
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=2, talk_seconds=None)  # the caller hangs up first
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=80)
    simulator.run()
    assert simulator.errors == []
    assert caller.status == "completed"
    assert talked_with(simulator, caller) == ["client:alice"]
    routed = center.routed(caller.sid)
    assert (routed.outcome, routed.agent_id, routed.rings) == ("answered", alice, 2)
    assert (routed.answered_at - routed.entered_at).total_seconds() <= 15
    assert center.agent_status(alice) == "wrap_up"


def test_first_does_not_answer_and_the_second_does(center, simulator, app):
    alice = center.agent("alice", {"inquiry": 5})
    bob = center.agent("bob", {"inquiry": 3})
    simulator.agent("client:alice", behaviour="no-answer")
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=60)
    simulator.run()
    assert simulator.errors == []
    assert talked_with(simulator, caller) == ["client:bob"]
    assert center.offers(caller.sid) == [(alice, "missed"), (bob, "answered")]
    alice_leg = next(leg for leg in simulator.calls if leg.to == "client:alice")
    assert alice_leg.status == "no-answer" and alice_leg.duration <= 15  # never more than three rings
    assert center.agent_status(alice) == "missed"


def test_nobody_free_then_someone_frees_up(center, simulator, app, api):
    alice = center.agent("alice", {"inquiry": 3}, status="break")
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=80)
    simulator.run(until=25)
    assert caller.queue == "hotline-inquiry"
    assert any("下一位" in text for text in caller.said)
    api.patch(f"/api/agents/{alice}", {"status": "available"})
    run_burst(app, ("default",))  # the redirect job pulls the caller out at once
    simulator.run()
    assert simulator.errors == []
    assert talked_with(simulator, caller) == ["client:alice"]
    assert [r for r in simulator.sandbox.state.redirects if caller.sid in str(r)]  # pulled out at once
    routed = center.routed(caller.sid)
    assert routed.outcome == "answered" and routed.agent_id == alice


def test_callback_keeps_the_place_in_line(center, simulator, app, api):
    alice = center.agent("alice", {"inquiry": 3}, status="break")
    simulator.customer("+8613811112222", answer="human", answer_after_rings=1)
    caller = simulator.call(from_="+8613811112222", url="/voice/route?queue=inquiry", inputs=[press("1")])
    simulator.run(until=200)
    assert caller.status == "completed"
    assert any("回电" in text for text in caller.said)
    routed = center.routed(caller.sid)
    assert routed.outcome == "waiting" and routed.callback_number == "+8613811112222"
    api.patch(f"/api/agents/{alice}", {"status": "available"})
    run_burst(app, ("default",))  # the callback job calls the agent first
    simulator.run()
    assert simulator.errors == []
    agent_leg = next(leg for leg in simulator.calls if leg.direction == "outbound-api")
    assert agent_leg.to == "client:alice"
    assert len(connected_to(agent_leg)) == 1  # the customer, called back once the agent was on
    assert center.routed(caller.sid).outcome == "answered"


def test_caller_hangs_up_in_the_queue(center, simulator, app):
    center.agent("alice", {"inquiry": 3}, status="break")
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=45)
    simulator.run()
    assert simulator.errors == []
    routed = center.routed(caller.sid)
    assert routed.outcome == "abandoned"
    assert 44 <= (routed.abandoned_at - routed.entered_at).total_seconds() <= 46
    with app.app_context():
        from routing.state import get_reservations

        assert get_reservations().waiting_by_queue() == {}


def test_escalation_to_a_lower_level_after_its_wait(center, simulator, app):
    junior = center.agent("lin", {"complaint": 2})
    simulator.agent("client:lin", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=complaint", hangup_after=90)
    simulator.run()
    assert simulator.errors == []
    assert talked_with(simulator, caller) == ["client:lin"]
    routed = center.routed(caller.sid)
    waited = (routed.answered_at - routed.entered_at).total_seconds()
    assert 30 <= waited <= 50  # not before the 30 s step; soon after it (one wait cycle)
    assert routed.agent_id == junior


def test_language_is_respected(center, simulator, app, api):
    from hotline import db
    from hotline.calls import ensure_call

    center.agent("wang", {"inquiry": 5}, languages=("zh-CN",))
    smith = center.agent("smith", {"inquiry": 2}, languages=("en-US",), status="break")
    simulator.agent("client:smith", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=60)
    with app.app_context():  # the IVR would have set the caller's language
        session = db.session()
        ensure_call(session, caller.sid, {"From": "+8613800138000"}).language = "en-US"
        session.commit()
    simulator.run(until=20)
    assert caller.queue == "hotline-inquiry"
    assert any("next in line" in text for text in caller.said)
    api.patch(f"/api/agents/{smith}", {"status": "available"})
    simulator.run()
    assert simulator.errors == []
    assert talked_with(simulator, caller) == ["client:smith"]



def test_callback_calls_the_agent_first_then_the_customer(center, simulator, app, api, twilio):
    """The callback's second half on its own, the customer's number answering after two rings."""
    from tests.support.twiml import twiml

    alice = center.agent("alice", {"inquiry": 3}, status="break")
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=40)
    simulator.customer("+8613811112222", answer="human", answer_after_rings=2)
    sid, doc = center.enter("inquiry", from_number="+8613811112222")
    center.clock.advance(60)
    gather = twiml(center.post(doc.find("Enqueue").get("waitUrl"), sid)).find("Gather")
    twiml(center.post(gather.get("action"), sid, Digits="1"))
    twiml(center.post(doc.find("Enqueue").get("action"), sid, QueueResult="hangup"))
    api.patch(f"/api/agents/{alice}", {"status": "available"})
    run_burst(app, ("default",))
    simulator.run()
    assert simulator.errors == []
    agent_leg = next(leg for leg in simulator.calls if leg.direction == "outbound-api")
    assert agent_leg.to == "client:alice"
    assert any("回电客户" in text for text in agent_leg.said)
    customer_leg = next(leg for leg in simulator.calls if leg.to == "+8613811112222")
    assert customer_leg.status == "completed" and connected_to(agent_leg) == ["+86*******2222"]  # timelines mask numbers
    routed = center.routed(sid)
    assert (routed.outcome, routed.agent_id) == ("answered", alice)
    assert center.agent_status(alice) == "wrap_up"
