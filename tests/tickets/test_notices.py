"""SMS notices: stored, delivered by RQ jobs, never to opted-out numbers; ticket signals announced."""
from sqlalchemy import select

from hotline import db, signals
from hotline.jobs import get_queue, run_burst
from hotline.models import SmsMessage
from tickets.models import Ticket, TicketEvent
from tickets.notices import redeliver_stale


def test_opted_out_numbers_get_nothing(app, api):
    app.extensions["hotline.may_contact"] = lambda phone: phone != "+8613800138000"
    number = api.post("/api/tickets", {"phone": "13800138000", "category": "problem"}).get_json()["number"]
    other = api.post("/api/tickets", {"phone": "13900139000", "category": "problem"}).get_json()["number"]
    with app.app_context():
        messages = db.session().scalars(select(SmsMessage)).all()
        kinds = [e["kind"] for e in api.get(f"/api/tickets/{number}").get_json()["events"]]
    assert [m.to_number for m in messages] == ["+8613900139000"] and other in messages[0].body
    assert "sms_suppressed" in kinds


def test_a_number_opted_out_before_delivery_is_not_texted(app, api):
    api.post("/api/tickets", {"phone": "13800138000", "category": "problem"})
    app.extensions["hotline.may_contact"] = lambda phone: False
    run_burst(app, ("default",))
    with app.app_context():
        assert db.session().scalars(select(SmsMessage.status)).one() == "suppressed"


def test_the_sms_is_queued_for_a_worker_not_sent_in_the_request(app, api):
    api.post("/api/tickets", {"phone": "13800138000", "category": "problem", "language": "en-US"})
    with app.app_context():
        message = db.session().scalars(select(SmsMessage)).one()
        job_ids = get_queue("default").job_ids
    assert message.status == "pending" and message.sid is None
    assert job_ids == [f"tickets-sms-{message.id}"]
    assert message.body.startswith("Hotline Service Center: we have opened case GD20261124001")


def test_stale_pending_notices_are_enqueued_again(app, api, clock):
    api.post("/api/tickets", {"phone": "13800138000", "category": "problem"})
    with app.app_context():
        get_queue("default").empty()
        assert redeliver_stale(db.session()) == 0
        clock.advance(minutes=3)
        assert redeliver_stale(db.session()) == 1
        assert len(get_queue("default").job_ids) == 1


def test_ticket_signals_are_sent_after_commit(app, api):
    heard = []

    def listen(name):
        def receiver(sender, ticket_id):
            with app.app_context():
                ticket = db.session().get(Ticket, ticket_id)  # visible: committed before the signal
                heard.append((name, ticket.status))
        return receiver

    receivers = {name: listen(name) for name in ("created", "resolved", "reopened")}
    signals.ticket_created.connect(receivers["created"], sender=app)
    signals.ticket_resolved.connect(receivers["resolved"], sender=app)
    signals.ticket_reopened.connect(receivers["reopened"], sender=app)
    number = api.post("/api/tickets", {"phone": "13800138000", "category": "problem", "assignee_id": 2,
                                       "notify": False}).get_json()["number"]
    for version, status in enumerate(("in_progress", "resolved", "reopened"), start=1):
        assert api.patch(f"/api/tickets/{number}", {"version": version, "status": status}).status_code == 200
    assert heard == [("created", "assigned"), ("resolved", "resolved"), ("reopened", "reopened")]
    with app.app_context():
        assert db.session().scalars(select(TicketEvent.kind).where(TicketEvent.kind == "sms_queued")).all() \
            == ["sms_queued"]  # the resolution text; creation asked for none
