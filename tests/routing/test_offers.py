"""An arriving caller is offered the best free agent for at most three rings, or waits in line."""
from __future__ import annotations

import pytest

from tests.support.twiml import query, twiml

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "asserts the direct Dial's TwiML (<Dial><Client>, its timeout and action); offers in conference mode:"
    " tests/routing/test_conference_calls.py")


@DIRECT_DIAL
def test_caller_is_offered_the_best_free_agent_for_three_rings(center, settings):
    low = center.agent("lin", {"complaint": 3})
    high = center.agent("wang", {"complaint": 5})
    sid, doc = center.enter("complaint")
    dial = doc.find("Dial")
    assert dial is not None
    assert dial.get("timeout") == str(settings.ring_seconds * settings.max_rings) == "15"
    assert dial.get("record") == "record-from-answer-dual"
    assert dial.get("recordingStatusCallback").endswith("/recordings/status#rc=5&rp=5xx,ct,rt")  # Twilio retries a 503
    client = dial.find("Client")
    assert client.text == "wang"
    assert query(dial.get("action"))["agent"] == str(high)
    assert center.agent_status(high) == "reserved"
    assert center.agent_status(low) == "available"


@DIRECT_DIAL
def test_agent_address_kinds_become_the_right_nouns(center):
    center.agent("num", {"inquiry": 3}, address="+8613900139000")
    _, doc = center.enter("inquiry")
    assert doc.find("Dial/Number").text == "+8613900139000"
    center.agent("sip", {"problem": 3}, address="sip:agent7@pbx.example.com")
    _, doc = center.enter("problem")
    assert doc.find("Dial/Sip").text == "sip:agent7@pbx.example.com"


@DIRECT_DIAL
def test_answered_offer_puts_agent_on_call_then_wrap_up(center, app):
    from dataclasses import asdict

    from hotline.contracts import CallAnswered, subscribe

    answered = []
    subscribe(CallAnswered, lambda event: answered.append(asdict(event)), app)
    agent = center.agent("wang", {"inquiry": 3})
    sid, doc = center.enter("inquiry")
    client = doc.find("Dial/Client")
    whisper = twiml(center.post(client.get("url"), "CA" + "9" * 32))
    assert whisper.find("Say").text == "咨询"
    assert center.agent_status(agent) == "on_call"
    assert answered == [{"call_sid": sid, "agent_id": agent}]
    center.clock.advance(120)
    doc = twiml(center.post(doc.find("Dial").get("action"), sid, DialCallStatus="completed", DialCallDuration="120"))
    assert doc.find("Hangup") is not None
    assert center.agent_status(agent) == "wrap_up"


@DIRECT_DIAL
def test_unanswered_offer_marks_agent_missed_and_offers_the_next_at_once(center):
    first = center.agent("wang", {"inquiry": 5})
    second = center.agent("li", {"inquiry": 3})
    sid, doc = center.enter("inquiry")
    assert doc.find("Dial/Client").text == "wang"
    center.clock.advance(18)
    doc = twiml(center.post(doc.find("Dial").get("action"), sid, DialCallStatus="no-answer"))
    assert doc.find("Dial/Client").text == "li"
    assert center.agent_status(first) == "missed"
    assert center.agent_status(second) == "reserved"
    # A missed agent stays out of rotation until they say they are back.
    _, other = center.enter("inquiry")
    assert other.find("Enqueue") is not None


def test_nobody_free_enqueues_with_wait_url_and_action(center):
    center.agent("wang", {"inquiry": 3}, status="break")
    sid, doc = center.enter("inquiry")
    enqueue = doc.find("Enqueue")
    assert enqueue.text == "hotline-inquiry"
    assert query(enqueue.get("waitUrl"))["call"] == sid
    assert "/voice/route/left" in enqueue.get("action")


@DIRECT_DIAL
def test_language_is_a_requirement(center):
    center.agent("wang", {"inquiry": 5}, languages=("zh-CN",))
    english = center.agent("smith", {"inquiry": 2}, languages=("en-US",))
    _, doc = center.enter("inquiry", language="en-US")
    assert doc.find("Dial/Client").text == "smith"
    assert center.agent_status(english) == "reserved"


def test_forged_route_request_changes_nothing(center, twilio):
    agent = center.agent("wang", {"inquiry": 3})
    response = twilio.post("/voice/route?queue=inquiry", twilio.call_params(), signature="forged")
    assert response.status_code == 403
    assert center.agent_status(agent) == "available"
