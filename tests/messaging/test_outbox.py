"""The outbox: stored in the caller's transaction, queued for a worker after commit (never after a
rollback), never to opted-out numbers, enqueued again when its job is lost."""
import pytest
from sqlalchemy import select

import messaging
from hotline import db
from hotline.jobs import get_queue, run_burst
from messaging.models import SmsMessage
from messaging.outbox import sweep_outbox
from tests.messaging.sms import do_not_contact, rows, sandbox


def test_opted_out_numbers_get_nothing(app, api):
    do_not_contact(app, "+8613800138000")
    number = api.post("/api/tickets", {"phone": "13800138000", "category": "problem"}).get_json()["number"]
    other = api.post("/api/tickets", {"phone": "13900139000", "category": "problem"}).get_json()["number"]
    messages = rows(app)
    kinds = [e["kind"] for e in api.get(f"/api/tickets/{number}").get_json()["events"]]
    assert [m.to_number for m in messages] == ["+8613900139000"] and other in messages[0].body
    assert "sms_suppressed" in kinds


def test_a_number_opted_out_before_delivery_is_not_texted(app, api):
    api.post("/api/tickets", {"phone": "13800138000", "category": "problem"})
    do_not_contact(app, "+8613800138000")
    run_burst(app, ("outbound",))
    assert [m.status for m in rows(app)] == ["suppressed"]
    assert sandbox(app).messages == []


def test_the_sms_is_queued_for_a_worker_not_sent_in_the_request(app, api):
    api.post("/api/tickets", {"phone": "13800138000", "category": "problem", "language": "en-US"})
    (message,) = rows(app)
    with app.app_context():
        job_ids = get_queue("outbound").job_ids
    assert message.status == "pending" and message.sid is None and message.area == "tickets"
    assert job_ids == [f"sms-{message.id}"]
    assert message.body.startswith("Hotline Service Center: we have opened case GD20261124001")


def test_the_job_is_queued_only_after_commit_and_never_after_a_rollback(app):
    with app.app_context():
        session = db.session()
        kept = messaging.send_sms("test", "+8613800138000", "kept", area="tests", session=session)
        assert get_queue("outbound").job_ids == []  # stored, not yet committed: no job
        session.commit()
        assert get_queue("outbound").job_ids == [f"sms-{kept.id}"]
        dropped = messaging.send_sms("test", "+8613800138001", "dropped", area="tests", session=session)
        dropped_id = dropped.id
        session.rollback()
        assert get_queue("outbound").job_ids == [f"sms-{kept.id}"]
        assert session.get(SmsMessage, dropped_id) is None
        session.commit()  # a later commit does not bring the rolled-back message's job back
        assert get_queue("outbound").job_ids == [f"sms-{kept.id}"]


def test_once_returns_the_message_already_stored(app):
    with app.app_context():
        session = db.session()
        first = messaging.send_sms("revisit:1:sms_thanks", "+8613800138000", "thanks", area="tests", once=True)
        session.commit()
        again = messaging.send_sms("revisit:1:sms_thanks", "+8613800138000", "thanks", area="tests", once=True)
        session.commit()
        assert again.id == first.id
        assert session.scalars(select(SmsMessage.id)).all() == [first.id]


def test_stale_pending_messages_are_enqueued_again(app, api, clock):
    api.post("/api/tickets", {"phone": "13800138000", "category": "problem"})
    with app.app_context():
        get_queue("outbound").empty()
        assert sweep_outbox() == 0
        clock.advance(minutes=3)
        assert sweep_outbox() == 1
        assert len(get_queue("outbound").job_ids) == 1
        assert sweep_outbox() == 0  # its job is on its way: not enqueued twice


@pytest.mark.parametrize("early_status", ["sent", "delivered"])
def test_a_status_callback_before_the_sid_was_stored_is_adopted(app, twilio, early_status):
    """Twilio may call /sms/status before the sending job has committed the SID it got back: the
    job then takes over the row the callback made (one row per message, its state kept)."""
    from hotline.gateway import SentMessage
    from messaging.outbox import _adopt_early_status

    with app.app_context():
        message = messaging.send_sms("test", "+8613800138000", "hello", area="tests")
        db.session().commit()
    sid = "SM" + "7" * 32
    assert twilio.post("/sms/status", {"MessageSid": sid, "MessageStatus": early_status}).status_code == 204
    assert len(rows(app)) == 2
    with app.app_context():
        session = db.session()
        _adopt_early_status(session, session.get(SmsMessage, message.id), SentMessage(sid=sid, status="queued"))
        session.commit()
    (row,) = rows(app)
    assert (row.id, row.sid, row.status) == (message.id, sid, early_status)
