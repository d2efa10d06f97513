"""Waiting in the Twilio queue: announcements, leaving for a freed agent, callbacks, hang-ups."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.twiml import twiml

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "asserts the waitUrl's <Leave> into the direct Dial; conference mode rings the agent over REST "
    "instead: tests/routing/test_conference_calls.py")


def _queued_job_ids(app) -> list[str]:
    from hotline.jobs import get_queue

    with app.app_context():
        return list(get_queue("default").job_ids) + list(get_queue("default").scheduled_job_registry.get_job_ids())


@DIRECT_DIAL
def test_nobody_free_then_someone_frees_up(center, app, api):
    agent = center.agent("wang", {"inquiry": 3}, status="break")
    sid, doc = center.enter("inquiry")
    wait_url = doc.find("Enqueue").get("waitUrl")
    left_url = doc.find("Enqueue").get("action")
    wait = twiml(center.post(wait_url, sid, QueuePosition="1", QueueTime="0"))
    assert wait.find("Say").text == "您是下一位，请稍候，我们马上为您接通。"
    assert wait.find("Say").get("voice") == "Polly.Zhiyu"
    assert wait.find("Play").text.endswith("/voice/route/hold.wav")
    assert wait.find("Leave") is None

    assert api.patch(f"/api/agents/{agent}", {"status": "available"}).status_code == 200
    assert center.agent_status(agent) == "reserved"
    assert f"routing-pull-{sid}-{agent}" in _queued_job_ids(app)
    # The next waitUrl request takes the caller out; the redirect job then has nothing to do.
    assert twiml(center.post(wait_url, sid)).find("Leave") is not None
    with app.app_context():
        from routing.queue_wait import pull_from_queue

        assert pull_from_queue(sid) is False
    doc = twiml(center.post(left_url, sid, QueueResult="leave", QueueTime="12"))
    assert doc.find("Dial/Client").text == "wang"


def test_place_is_announced_on_arrival_on_change_and_now_and_then(center, api):
    agent = center.agent("wang", {"inquiry": 3}, status="break")
    first, _ = center.enter("inquiry")
    second, doc = center.enter("inquiry")
    wait_url = doc.find("Enqueue").get("waitUrl")
    assert "前面还有1位" in twiml(center.post(wait_url, second)).find("Say").text
    center.clock.advance(9)
    assert twiml(center.post(wait_url, second)).find("Say") is None  # music only
    api.patch(f"/api/agents/{agent}", {"status": "available"})  # takes the first caller
    assert twiml(center.post(wait_url, second)).find("Say").text.startswith("您是下一位")
    center.clock.advance(9)
    assert twiml(center.post(wait_url, second)).find("Say") is None
    center.clock.advance(45)
    assert twiml(center.post(wait_url, second)).find("Say").text.startswith("您是下一位")


def test_position_and_expected_wait_in_the_callers_language(center):
    center.agent("smith", {"inquiry": 3}, languages=("en-US",), status="break")
    center.enter("inquiry", language="en-US")
    sid, doc = center.enter("inquiry", language="en-US")
    say = twiml(center.post(doc.find("Enqueue").get("waitUrl"), sid)).find("Say")
    # One caller ahead, default handle time 3 minutes, one agent on shift.
    assert say.text == "There is 1 caller ahead of you. The expected wait is about 3 minutes."
    assert say.get("voice") == "Polly.Joanna"


def test_callback_keeps_the_callers_place(center, app, api, settings):
    from routing.models import RoutedCall

    agent = center.agent("wang", {"inquiry": 3}, status="break")
    sid, doc = center.enter("inquiry", from_number="+8613912345678")
    wait_url, left_url = doc.find("Enqueue").get("waitUrl"), doc.find("Enqueue").get("action")
    assert twiml(center.post(wait_url, sid)).find("Gather") is None
    center.clock.advance(settings.callback_offer_seconds)
    gather = twiml(center.post(wait_url, sid)).find("Gather")
    assert gather.get("numDigits") == "1"
    assert "按1" in gather.find("Say").text
    done = twiml(center.post(gather.get("action"), sid, Digits="1"))
    assert done.find("Hangup") is not None
    twiml(center.post(left_url, sid, QueueResult="hangup", QueueTime="65"))
    with app.app_context():
        from hotline import db

        routed = db.session().scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
        assert routed.outcome == "waiting" and routed.callback_number == "+8613912345678"
    # A caller who arrives later stays behind the one who asked for a callback.
    later, _ = center.enter("inquiry")
    api.patch(f"/api/agents/{agent}", {"status": "available"})
    assert f"routing-callback-{sid}-{agent}" in _queued_job_ids(app)
    assert f"routing-pull-{later}-{agent}" not in _queued_job_ids(app)


def test_callback_connects_agent_first_then_customer(center, app, api):
    from tests.support.twiml import query

    agent = center.agent("wang", {"inquiry": 3}, status="break")
    sid, doc = center.enter("inquiry", from_number="+8613912345678")
    center.clock.advance(60)
    gather = twiml(center.post(doc.find("Enqueue").get("waitUrl"), sid)).find("Gather")
    center.post(gather.get("action"), sid, Digits="1")
    api.patch(f"/api/agents/{agent}", {"status": "available"})
    with app.app_context():
        from hotline import db
        from routing.models import Offer

        session = db.session()
        offer = Offer(call_sid=sid, agent_id=agent, result="ringing", offered_at=center.clock.now())
        session.add(offer)
        session.commit()
        offer_id = offer.id
    agent_leg = twiml(center.post(f"/voice/route/callback/agent?call={sid}&agent={agent}&offer={offer_id}",
                                  "CA" + "7" * 32))
    assert agent_leg.find("Say").text == "回电客户，正在为您接通。"
    dial = agent_leg.find("Dial")
    assert dial.find("Number").text == "+8613912345678"
    assert dial.get("record") == "record-from-answer-dual"
    assert center.agent_status(agent) == "on_call"
    assert query(dial.get("action"))["kind"] == "callback"
    twiml(center.post(dial.get("action"), "CA" + "7" * 32, DialCallStatus="completed", DialCallDuration="90"))
    assert center.agent_status(agent) == "wrap_up"


def test_caller_who_hangs_up_in_queue_is_abandoned_once(center, app, twilio):
    from dataclasses import asdict

    from hotline.contracts import CallEnded, subscribe
    from routing.models import RoutedCall

    ended = []
    subscribe(CallEnded, lambda event: ended.append(asdict(event)), app)
    center.agent("wang", {"inquiry": 3}, status="break")
    sid, doc = center.enter("inquiry")
    center.clock.advance(40)
    twiml(center.post(doc.find("Enqueue").get("action"), sid, QueueResult="hangup", QueueTime="40"))
    twilio.post("/voice/status", twilio.call_params(sid, CallStatus="completed", CallDuration="45"))
    assert ended == [{"call_sid": sid, "status": "completed"}]
    with app.app_context():
        from hotline import db
        from routing.state import get_reservations

        routed = db.session().scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
        assert routed.outcome == "abandoned"
        assert (routed.abandoned_at - routed.entered_at).total_seconds() == 40
        assert get_reservations().waiting_by_queue() == {}


@DIRECT_DIAL
def test_escalation_accepts_a_lower_level_after_its_wait(center):
    junior = center.agent("lin", {"complaint": 2})
    sid, doc = center.enter("complaint")  # needs level 3 at first
    assert doc.find("Enqueue") is not None
    wait_url = doc.find("Enqueue").get("waitUrl")
    center.clock.advance(29)
    assert twiml(center.post(wait_url, sid)).find("Leave") is None
    center.clock.advance(2)  # 31 s: the first step accepts level 2
    assert twiml(center.post(wait_url, sid)).find("Leave") is not None
    assert center.agent_status(junior) == "reserved"


@DIRECT_DIAL
def test_fallback_skill_after_its_wait(center):
    center.agent("zhao", {"problem": 4})
    sid, doc = center.enter("complaint")
    wait_url = doc.find("Enqueue").get("waitUrl")
    center.clock.advance(61)
    assert twiml(center.post(wait_url, sid)).find("Leave") is None
    center.clock.advance(30)  # 91 s: complaint falls back to problem agents of level 3+
    assert twiml(center.post(wait_url, sid)).find("Leave") is not None


def test_expired_reservation_frees_the_agent(center, app, settings):
    agent = center.agent("wang", {"inquiry": 3})
    sid, doc = center.enter("inquiry")
    assert center.agent_status(agent) == "reserved"
    center.clock.advance(settings.reservation_ttl_seconds + 1)
    with app.app_context():
        from routing.sweeps import sweep_routing

        assert sweep_routing()["expired"] == 1
        from routing.state import get_reservations

        # The caller is back in line with their first place, and the freed agent is offered them again.
        assert get_reservations().call(sid)["state"] == "reserved"
    assert center.agent_status(agent) == "reserved"
    assert f"routing-pull-{sid}-{agent}" in _queued_job_ids(app)


@DIRECT_DIAL
def test_retried_no_answer_callback_is_counted_once(center, app):
    from routing.models import Offer

    center.agent("wang", {"inquiry": 5})
    center.agent("li", {"inquiry": 3})
    sid, doc = center.enter("inquiry")
    action = doc.find("Dial").get("action")
    first = twiml(center.post(action, sid, DialCallStatus="no-answer"))
    again = twiml(center.post(action, sid, DialCallStatus="no-answer"))
    assert first.find("Dial/Client").text == again.find("Dial/Client").text == "li"
    with app.app_context():
        from hotline import db

        results = [o.result for o in db.session().scalars(select(Offer).where(Offer.call_sid == sid))]
        assert results.count("missed") == 1


def test_vip_caller_is_served_before_earlier_callers(center, app, api):
    from tickets.models import Customer

    with app.app_context():
        from hotline import db

        db.session().add(Customer(phone="+8613700000001", vip=True, surname="王", title="ms"))
        db.session().commit()
    agent = center.agent("wang", {"inquiry": 3}, status="break")
    first, _ = center.enter("inquiry")
    center.clock.advance(5)
    vip, _ = center.enter("inquiry", from_number="+8613700000001")
    api.patch(f"/api/agents/{agent}", {"status": "available"})
    assert f"routing-pull-{vip}-{agent}" in _queued_job_ids(app)


def test_hold_music_is_a_short_telephone_wav(client):
    import io
    import wave

    response = client.get("/voice/route/hold.wav")
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    with wave.open(io.BytesIO(response.data)) as audio:
        assert audio.getframerate() == 8000 and audio.getnchannels() == 1
        assert 5 <= audio.getnframes() / 8000 <= 10


@DIRECT_DIAL
def test_reservation_expired_inside_another_operation_reaches_the_database(center, app, settings):
    from hotline import db
    from routing.models import AgentEvent

    wang = center.agent("wang", {"inquiry": 5})
    center.enter("inquiry")
    center.clock.advance(settings.reservation_ttl_seconds + 1)
    center.agent("li", {"inquiry": 3}, status="break")
    _, doc = center.enter("inquiry")  # this reservation's Lua run frees wang, who takes the new caller
    assert doc.find("Dial/Client").text == "wang"
    with app.app_context():
        from routing.sweeps import sweep_routing

        assert sweep_routing()["expired"] == 1
        events = db.session().scalars(select(AgentEvent).where(AgentEvent.agent_id == wang)
                                      .order_by(AgentEvent.id)).all()
        assert [e.reason for e in events][-2:] == ["reservation_expired", "reserved"]
        assert events[-1].status == "reserved"
    assert center.agent_status(wang) == "reserved"


def test_sweep_publishes_queue_depth(center, app, client):
    center.agent("wang", {"inquiry": 3}, status="break")
    center.enter("inquiry")
    center.enter("complaint")
    with app.app_context():
        from routing.sweeps import sweep_routing

        sweep_routing()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'hotline_queue_waiting{queue="inquiry"} 1.0' in text
    assert 'hotline_queue_waiting{queue="urgent"} 0.0' in text
