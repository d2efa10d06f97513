"""Calls and messages the app sends through the gateway are played by the simulator."""
from __future__ import annotations

from sqlalchemy import select

from hotline import db
from hotline.gateway import get_gateway
from hotline.models import Call
from messaging.models import SmsMessage
from sandbox import press
from tests.sandbox.twiml_app import TwimlApp

BASE = "http://127.0.0.1:5000"


def place(app, to: str, path: str = "/twiml/answer", **kwargs):
    with app.app_context():
        return get_gateway().place_call(to, f"{BASE}{path}", status_callback=f"{BASE}/voice/status", **kwargs)


def test_a_human_answers_presses_a_digit_and_the_status_callbacks_follow_the_call(app, simulator):
    twiml = TwimlApp(app, {"/answer": '<Gather numDigits="1" action="/twiml/rated"><Say>Was it solved?</Say></Gather>',
                           "/rated": "<Say>Thank you</Say>"})
    simulator.customer("+8613800138000", answer_after_rings=2, inputs=[press("1")])
    placed = place(app, "+8613800138000", machine_detection="Enable")
    simulator.run()
    call = simulator.find(placed.sid)
    assert call.status == "completed" and call.answered_by == "human" and call.role == "customer"
    first = twiml.forms("/answer")[0]
    assert first["AnsweredBy"] == "human" and first["Direction"] == "outbound-api"
    assert first["CallStatus"] == "in-progress" and first["To"] == "+8613800138000"
    assert twiml.forms("/rated")[0]["Digits"] == "1"
    statuses = [r.params["CallStatus"] for r in simulator.requests if r.kind == "status"]
    assert statuses == ["initiated", "ringing", "in-progress", "completed"]
    assert simulator.sandbox.calls[0]["status"] == "completed"
    with app.app_context():
        row = db.session().scalars(select(Call).where(Call.sid == placed.sid)).one()
        assert row.status == "completed" and row.direction == "outbound-api"
        assert row.duration_seconds == call.duration > 0


def test_machines_busy_lines_and_no_answer(app, simulator):
    twiml = TwimlApp(app, {"/answer": "<Say>Message for the machine</Say>"})
    simulator.customer("+8613800000001", answer="machine")
    simulator.customer("+8613800000002", answer="busy")
    simulator.customer("+8613800000003", answer="no-answer")
    simulator.customer("+8613800000004", answer_after_rings=20)  # rings longer than Timeout
    machine = place(app, "+8613800000001", machine_detection="DetectMessageEnd")
    busy = place(app, "+8613800000002")
    nobody = place(app, "+8613800000003", timeout=30)
    slow = place(app, "+8613800000004", timeout=30)
    simulator.run()
    assert twiml.forms("/answer")[0]["AnsweredBy"] == "machine_end_beep"
    assert [simulator.find(p.sid).status for p in (machine, busy, nobody, slow)] == [
        "completed", "busy", "no-answer", "no-answer"]
    assert simulator.find(nobody.sid).ended_at == 30
    with app.app_context():
        stored = {c.sid: c.status for c in db.session().scalars(select(Call))}
    assert stored[busy.sid] == "busy" and stored[nobody.sid] == "no-answer"


def test_the_app_hangs_up_a_live_outbound_call(app, simulator):
    TwimlApp(app, {"/answer": '<Say>Hello</Say><Pause length="120"/>'})
    placed = place(app, "+8613800138000")
    simulator.run(until=30)
    with app.app_context():
        get_gateway().hangup_call(placed.sid)
    simulator.run()
    call = simulator.find(placed.sid)
    assert call.status == "completed" and call.ended_at == 30


def test_sms_delivery_callbacks_and_stop_from_the_customer(app, simulator):
    simulator.customer("+8613800000009", sms="undelivered")
    with app.app_context():
        gateway = get_gateway()
        ok = gateway.send_sms("+8613800138000", "您好", status_callback=f"{BASE}/sms/status")
        lost = gateway.send_sms("+8613800000009", "您好", status_callback=f"{BASE}/sms/status")
    simulator.sms("+8613800138000", "STOP")
    simulator.run()
    with app.app_context():
        rows = {m.sid: m for m in db.session().scalars(select(SmsMessage))}
    assert rows[ok.sid].status == "delivered"
    assert rows[lost.sid].status == "undelivered" and rows[lost.sid].error_code == "30003"
    inbound = [m for m in rows.values() if m.direction == "inbound"]
    assert inbound[0].body == "STOP"
    assert simulator.sandbox.is_unsubscribed("+8613800138000", simulator.number)
    assert not simulator.errors


def test_replayed_and_reordered_status_callbacks_leave_one_correct_call(app, simulator):
    TwimlApp(app, {"/answer": "<Say>Hello</Say>"})
    placed = place(app, "+8613800138000")
    simulator.run()
    call = simulator.find(placed.sid)
    again = simulator.replay_status(call, times=2)
    backwards = simulator.replay_status(call, reverse=True)
    assert all(r.status == 204 for r in again + backwards)
    with app.app_context():
        rows = db.session().scalars(select(Call).where(Call.sid == placed.sid)).all()
        assert len(rows) == 1 and rows[0].status == "completed"
        assert rows[0].duration_seconds == call.duration
        statuses = [e.data["status"] for e in rows[0].events if e.kind == "status"]
    assert statuses == ["initiated", "ringing", "in-progress", "completed"]


def test_a_redirect_while_ringing_runs_the_new_twiml_once_answered(app, simulator):
    twiml = TwimlApp(app, {"/answer": "<Say>old</Say>", "/newer": "<Say>new</Say>"})
    simulator.customer("+8613800138000", answer_after_rings=3)
    placed = place(app, "+8613800138000")
    simulator.run(until=5)
    with app.app_context():
        get_gateway().redirect_call(placed.sid, f"{BASE}/twiml/newer")
    simulator.run()
    call = simulator.find(placed.sid)
    assert call.said == ["new"] and twiml.forms("/answer") == []
    assert call.answered_at == 15  # three 5 s rings


def test_hanging_up_a_ringing_call_cancels_it(app, simulator):
    simulator.customer("+8613800138000", answer_after_rings=3)
    placed = place(app, "+8613800138000")
    simulator.run(until=5)
    with app.app_context():
        get_gateway().hangup_call(placed.sid)
    simulator.run()
    assert simulator.find(placed.sid).status == "canceled"
    with app.app_context():
        assert db.session().scalars(select(Call).where(Call.sid == placed.sid)).one().status == "canceled"


def test_calls_placed_before_the_simulator_existed_are_played_too(app):
    from sandbox.simulator import Simulator

    TwimlApp(app, {"/answer": "<Say>Early</Say>"})
    placed = place(app, "+8613800138000")
    simulator = Simulator(app)
    simulator.run()
    assert simulator.find(placed.sid).said == ["Early"]


def test_a_failing_view_is_an_application_error_and_the_call_hangs_up(app, simulator):
    def broken(form, args):
        raise LookupError("no such menu")

    TwimlApp(app, {"/answer": broken})
    placed = place(app, "+8613800138000")
    simulator.run()
    call = simulator.find(placed.sid)
    assert call.status == "completed" and call.said == []
    assert "HTTP 500 (Twilio error 11200)" in call.errors[0]
    assert simulator.errors == [f"/twiml/answer: {call.errors[0]}"]


def test_a_call_placed_by_a_forked_rq_job_reaches_the_simulator(app, simulator):
    from hotline.jobs import enqueue, run_burst
    from tests.sandbox.telephoning_job import call_customer

    TwimlApp(app, {"/answer": "<Say>Calling about your ticket</Say>"})
    with app.app_context():
        job = enqueue(call_customer, "+8613800138000", f"{BASE}/twiml/answer", queue="outbound")
    run_burst(app, ("outbound",))
    simulator.run()
    with app.app_context():
        job.refresh()
        sid = job.return_value()
    assert simulator.find(sid).said == ["Calling about your ticket"]


def test_a_call_canceled_or_redirected_before_the_simulator_ran_follows_that(app, simulator):
    twiml = TwimlApp(app, {"/answer": "<Say>old</Say>", "/newer": "<Say>new</Say>"})
    canceled = place(app, "+8613800000001")
    moved = place(app, "+8613800000002")
    with app.app_context():
        get_gateway().hangup_call(canceled.sid)
        get_gateway().redirect_call(moved.sid, f"{BASE}/twiml/newer")
    simulator.run()
    assert simulator.find(canceled.sid) is None
    assert simulator.sandbox.find_call(canceled.sid)["status"] == "canceled"
    assert simulator.find(moved.sid).said == ["new"] and twiml.forms("/answer") == []


def test_a_customer_replies_to_a_delivered_message(app, simulator):
    simulator.customer("+8613800138000", sms_replies=["1", "非常满意"], reply_after=60)
    with app.app_context():
        get_gateway().send_sms("+8613800138000", "问题解决了吗？回复1是，2否")
        get_gateway().send_sms("+8613800138000", "请评价我们的服务")
    simulator.run()
    with app.app_context():
        replies = [(m.body, m.from_number) for m in db.session().scalars(
            select(SmsMessage).where(SmsMessage.direction == "inbound").order_by(SmsMessage.id))]
    assert replies == [("1", "+8613800138000"), ("非常满意", "+8613800138000")]
    assert simulator.now == 63
