"""Routed calls open or join tickets; voicemails ask for a callback; agents move calls."""
from sqlalchemy import select

from hotline import db
from messaging.models import SmsMessage
from tests.tickets.conftest import ticket_of_call
from tickets.models import Customer, Ticket


def test_a_routed_call_opens_a_ticket_and_a_later_call_joins_it(app, api, phone, clock):
    first = phone.call("+8613800138000")
    phone.routed(first, category="problem", priority=3, language="en-US")
    number = ticket_of_call(app, first)
    assert number == "GD20261124001"
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["category"] == "problem" and ticket["priority"] == "normal" and ticket["language"] == "en-US"
    assert ticket["calls"][0]["call_sid"] == first and ticket["calls"][0]["reason"] == "new_ticket"
    clock.advance(days=6)
    second = phone.call("+8613800138000")
    phone.routed(second, category="problem")
    assert ticket_of_call(app, second) == number
    with app.app_context():
        assert db.session().scalars(select(Customer)).one().language == "en-US"
        # The "we will contact you" SMS waits for the call's outcome (test_follow_up_notice.py).
        assert db.session().scalars(select(SmsMessage)).all() == []
        assert db.session().scalars(select(Ticket)).one().follow_up_notice == "pending"


def test_another_category_or_an_old_ticket_opens_a_new_one(app, phone, clock):
    first = phone.call()
    phone.routed(first, category="problem")
    other = phone.call()
    phone.routed(other, category="complaint", priority=4)
    assert ticket_of_call(app, other) != ticket_of_call(app, first)
    clock.advance(days=8)
    later = phone.call()
    phone.routed(later, category="problem")
    assert ticket_of_call(app, later) not in {ticket_of_call(app, first), ticket_of_call(app, other)}


def test_urgent_queue_priority_makes_an_urgent_ticket(app, api, phone):
    sid = phone.call()
    phone.routed(sid, category="urgent", priority=10)
    assert api.get(f"/api/tickets/{ticket_of_call(app, sid)}").get_json()["priority"] == "urgent"


def test_a_status_call_joins_the_ticket_it_asked_about(app, phone):
    first = phone.call()
    phone.routed(first, category="inquiry")
    number = ticket_of_call(app, first)
    from_elsewhere = phone.call("+8613900139000")
    phone.routed(from_elsewhere, category="aftersales", ticket_number=number)
    assert ticket_of_call(app, from_elsewhere) == number


def test_routing_the_same_call_twice_files_it_once(app, api, phone):
    sid = phone.call()
    phone.routed(sid, category="problem")
    phone.routed(sid, category="complaint")
    assert api.get("/api/tickets?count=true").get_json()["total"] == 1


def test_after_hours_voicemail_becomes_a_callback_ticket(app, api, phone):
    sid = phone.call("+8613700137000")
    phone.voicemail(sid, language="zh-CN")
    ticket = api.get(f"/api/tickets/{ticket_of_call(app, sid)}").get_json()
    assert ticket["callback_requested"] and ticket["channel"] == "voicemail"
    assert any(e["kind"] == "voicemail" and e["data"]["recording_sid"] for e in ticket["events"])
    with app.app_context():
        sms = db.session().scalars(select(SmsMessage)).one()
    assert sms.purpose == "ticket_callback" and "回电" in sms.body


def test_answering_is_the_first_response_and_assigns(app, api, phone):
    sid = phone.call()
    phone.routed(sid, category="problem")
    leg = phone.call("client:agent7", parent=sid)
    phone.answered(leg, agent_id=7)
    ticket = api.get(f"/api/tickets/{ticket_of_call(app, sid)}").get_json()
    assert ticket["assignee_id"] == 7 and ticket["status"] == "assigned"
    assert ticket["first_response_at"] and ticket["sla"]["response"] == "met"


def test_agents_move_a_call_to_another_ticket(app, api, phone):
    sid = phone.call()
    phone.routed(sid, category="problem")
    source = ticket_of_call(app, sid)
    target = api.post("/api/tickets", {"phone": "+8613800138000", "category": "complaint"}).get_json()["number"]
    response = api.post(f"/api/tickets/{target}/calls", {"call_sid": sid})
    assert response.status_code == 200 and response.get_json()["calls"][0]["call_sid"] == sid
    assert ticket_of_call(app, sid) == target
    kinds = [e["kind"] for e in api.get(f"/api/tickets/{source}").get_json()["events"]]
    assert "call_moved_out" in kinds
    assert api.post(f"/api/tickets/{target}/calls", {"call_sid": "CAnope"}).status_code == 422


def test_the_ticket_shows_recordings_and_their_transcript_state(app, api, phone):
    from recordings.models import Recording

    sid = phone.call()
    phone.routed(sid, category="problem")
    leg = phone.call("client:agent7", parent=sid)
    with app.app_context():
        db.session().add(Recording(sid="RE" + "1" * 32, call_sid=leg, twilio_status="completed", duration_seconds=42))
        db.session().commit()
    calls = api.get(f"/api/tickets/{ticket_of_call(app, sid)}").get_json()["calls"]
    assert calls[0]["recordings"][0]["sid"] == "RE" + "1" * 32
    assert calls[0]["recordings"][0]["duration_seconds"] == 42


def test_the_agent_screen_finds_the_ticket_of_a_ringing_call(app, api, phone):
    sid = phone.call()
    phone.routed(sid, category="complaint", priority=4)
    leg = phone.call("client:agent7", parent=sid)
    phone.offered(sid, 7, leg=leg)
    agent = api.mint("agent", agent_id=7)
    body = api.get(f"/api/calls/{leg}/ticket", token=agent).get_json()
    assert body["number"] == ticket_of_call(app, sid) and body["category"] == "complaint"
    assert api.get("/api/calls/CAunknown/ticket").status_code == 404
    # Another agent, never offered this caller, does not find the caller's ticket through the call.
    assert api.get(f"/api/calls/{leg}/ticket", token=api.mint("agent", agent_id=8)).status_code == 403


def test_simulated_calls_open_then_join_a_ticket(app, api, simulator, clock):
    """Real webhooks from the simulator create the calls; the IVR's routing event files them."""
    from hotline.contracts import CallRouted, publish

    first = simulator.call(from_="+8613800138000", to="+861095555", hangup_after=5)
    simulator.run()
    with app.app_context():
        publish(CallRouted(call_sid=first.sid, category="problem", priority=3, language="zh-CN"))
    number = ticket_of_call(app, first.sid)
    assert number == "GD20261124001"
    clock.advance(hours=1)
    second = simulator.call(from_="+8613800138000", to="+861095555", hangup_after=5)
    simulator.run()
    with app.app_context():
        publish(CallRouted(call_sid=second.sid, category="problem", priority=3, language="zh-CN"))
    assert ticket_of_call(app, second.sid) == number
    calls = api.get(f"/api/tickets/{number}").get_json()["calls"]
    assert [c["call_sid"] for c in calls] == [first.sid, second.sid]
    assert [c["status"] for c in calls] == [first.status, second.status] == ["completed", "completed"]


def test_filing_keeps_the_senders_uncommitted_step(app, phone):
    """The IVR publishes CallRouted before committing its own step: filing (in a savepoint) keeps it,
    and an unknown ticket number or queue priority still files the call as a new case."""
    from hotline.contracts import CallRouted, publish
    from hotline.calls import record_event
    from hotline.models import Call, CallEvent

    sid = phone.call()
    with app.app_context():
        session = db.session()
        call = session.scalars(select(Call).where(Call.sid == sid)).one()
        record_event(session, call, "ivr_step", node="main")
        publish(CallRouted(call_sid=sid, category="problem", priority="not-a-number", language="zh-CN",
                           ticket_number="GD20991231001"))
        session.commit()
    with app.app_context():
        kinds = db.session().scalars(select(CallEvent.kind).where(CallEvent.call_id == call.id)).all()
    assert "ivr_step" in kinds
    assert ticket_of_call(app, sid) is not None
