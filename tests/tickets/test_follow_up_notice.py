""""We will contact you by ..." only when the ticket needs follow-up (tickets.follow_up).

End to end: the simulator's caller goes through the IVR to a real agent leg; real RQ workers run the
decision after the agent's wrap-up. An inquiry resolved on the call gets no SMS; one still open gets
exactly one, however often or in whatever order the call's end is announced.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline import db
from hotline.contracts import CallEnded, publish
from hotline.jobs import enqueue_due_jobs, run_burst
from messaging.models import SmsMessage
from sandbox import press, say
from tests.support.callers import Switchboard
from tests.tickets.conftest import ticket_of_call
from tickets.follow_up import sweep_follow_up_notices
from tickets.models import Ticket

CALLER = "+8613800138111"


def created_texts(app) -> list[str]:
    with app.app_context():
        return list(db.session().scalars(select(SmsMessage.body).where(SmsMessage.purpose == "ticket_created")))


def ticket(app, number: str) -> Ticket:
    with app.app_context():
        found = db.session().scalars(select(Ticket).where(Ticket.number == number)).one()
        found.events  # load while the session is open
        return found


def run_jobs(app) -> None:
    enqueue_due_jobs(app)
    run_burst(app, ("default", "outbound"))


@pytest.fixture
def answered_call(app, api, twilio, clock, simulator):
    """A caller who chose 咨询 in the IVR and talked to alice for 30 s; alice is now wrapping up."""
    center = Switchboard(app, api, twilio, clock)
    alice = center.agent("alice", {"inquiry": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    call = simulator.call(from_=CALLER, to="+861095555", inputs=[press("1"), say("咨询")], hangup_after=600)
    simulator.run()
    assert call.status == "completed", call.timeline_text()
    assert center.agent_status(alice) == "wrap_up"
    number = ticket_of_call(app, call.sid)
    assert number is not None
    return call, number, alice


def patch(api, number: str, **body):
    version = api.get(f"/api/tickets/{number}").get_json()["version"]
    response = api.patch(f"/api/tickets/{number}", {"version": version, **body})
    assert response.status_code == 200, response.get_json()


def test_an_inquiry_solved_on_the_call_gets_no_we_will_contact_you_sms(app, api, clock, answered_call):
    call, number, _ = answered_call
    run_jobs(app)  # the call is over, but alice is wrapping up: nothing is decided yet
    assert created_texts(app) == [] and ticket(app, number).follow_up_notice == "pending"
    patch(api, number, status="in_progress")
    patch(api, number, status="resolved", resolution_summary="已告知操作步骤")
    clock.advance(minutes=5)  # the wrap-up is over
    run_jobs(app)
    after = ticket(app, number)
    assert after.follow_up_notice == "not_needed"
    assert [e.data["outcome"] for e in after.events if e.kind == "follow_up_notice"] == ["not_needed"]
    assert [t for t in created_texts(app)] == []


def test_a_ticket_still_open_after_the_wrap_up_gets_exactly_one(app, api, clock, answered_call, simulator):
    call, number, _ = answered_call
    run_jobs(app)
    assert created_texts(app) == []  # not at routing time, not during the wrap-up
    clock.advance(minutes=5)
    with app.app_context():  # Twilio's status callback again, and out of order after the decision
        publish(CallEnded(call.sid, "completed"))
    run_jobs(app)
    with app.app_context():
        publish(CallEnded(call.sid, "completed"))
        assert sweep_follow_up_notices() == 0  # decided: the sweep has nothing to redo
    clock.advance(minutes=30)
    run_jobs(app)
    [text] = created_texts(app)
    assert number in text and "前与您联系" in text
    assert ticket(app, number).follow_up_notice == "sent"
    simulator.run()
    run_burst(app, ("outbound",))
    assert [m["body"] for m in simulator.sandbox.messages if m["to"] == CALLER] == [text]  # delivered once


def test_a_caller_who_hangs_up_in_the_queue_is_told_we_will_contact_them(app, api, twilio, clock, simulator):
    Switchboard(app, api, twilio, clock).agent("bob", {"inquiry": 4}, status="break")  # nobody available
    call = simulator.call(from_=CALLER, to="+861095555", inputs=[press("1"), say("咨询")], hangup_after=60)
    simulator.run()
    number = ticket_of_call(app, call.sid)
    run_jobs(app)
    [text] = created_texts(app)
    assert number in text and ticket(app, number).follow_up_notice == "sent"


def test_a_call_filed_after_its_end_was_announced_is_still_decided_once(app, phone):
    sid = phone.call(CALLER)
    with app.app_context():
        from hotline.models import Call

        session = db.session()
        session.scalars(select(Call).where(Call.sid == sid)).one().status = "completed"
        session.commit()
        publish(CallEnded(sid, "completed"))  # before the IVR's CallRouted was handled
    phone.routed(sid, category="problem")
    run_jobs(app)
    run_jobs(app)
    assert len(created_texts(app)) == 1
    assert ticket(app, ticket_of_call(app, sid)).follow_up_notice == "sent"


def test_a_lost_decision_job_is_enqueued_again_by_the_sweep(app, phone, clock):
    sid = phone.call(CALLER)
    phone.routed(sid, category="problem")  # the call's end was never announced (a lost callback)
    with app.app_context():
        from hotline.models import Call

        session = db.session()
        session.scalars(select(Call).where(Call.sid == sid)).one().status = "completed"
        session.commit()
        assert sweep_follow_up_notices() == 0  # too recent: its own job may still come
    clock.advance(minutes=11)
    with app.app_context():
        assert sweep_follow_up_notices() == 1
    run_jobs(app)
    assert len(created_texts(app)) == 1


def test_a_ticket_opened_by_an_agent_is_texted_at_once_as_before(app, api):
    created = api.post("/api/tickets", {"phone": "13800138000", "category": "problem"})
    assert created.status_code == 201
    assert len(created_texts(app)) == 1


def test_a_wrap_up_that_never_ends_does_not_hold_the_notice_for_good(app, api, clock, answered_call):
    call, number, alice = answered_call
    with app.app_context():  # a stuck agent: still "wrapping up" the call an hour later
        from routing.models import Agent

        session = db.session()
        session.get(Agent, alice).status_since = clock.now() + timedelta(hours=2)
        session.commit()
    clock.advance(minutes=9)
    run_jobs(app)
    assert created_texts(app) == []
    clock.advance(minutes=2)  # ten minutes after the call
    run_jobs(app)
    assert len(created_texts(app)) == 1
