"""The SLA sweep, run by a real RQ worker on the frozen clock: at risk, breached, alerts, priority."""
from datetime import timedelta

from sqlalchemy import select

from hotline import db
from hotline.jobs import enqueue, run_burst
from messaging.models import SmsMessage
from tickets.models import Ticket
from tickets.sweep import sweep_sla


def sweep(app):
    with app.app_context():
        enqueue(sweep_sla, queue="default")
    run_burst(app, ("default",))


def alerts(app):
    with app.app_context():
        return [m.body for m in db.session().scalars(select(SmsMessage).where(SmsMessage.purpose == "sla_alert")
                                                     .order_by(SmsMessage.id))]


def open_ticket(api, **body):
    payload = {"phone": "13800138000", "category": "problem", "priority": "normal", "notify": False, **body}
    return api.post("/api/tickets", payload).get_json()["number"]


def test_breach_is_caught_on_time_and_alerted_once(app, api, clock):
    number = open_ticket(api, priority="normal")  # first response due in 24 h
    clock.advance(hours=23)
    sweep(app)
    assert api.get(f"/api/tickets/{number}").get_json()["sla"]["response"] == "pending"
    assert alerts(app) == []
    clock.advance(minutes=31)  # 29 minutes left: inside the 30-minute warning
    sweep(app)
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["sla"]["response"] == "at_risk" and ticket["priority"] == "normal"
    assert len(alerts(app)) == 1 and "即将超时" in alerts(app)[0] and number in alerts(app)[0]
    clock.advance(minutes=30)  # one minute past due
    sweep(app)
    sweep(app)  # a second sweep changes nothing more
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["sla"]["response"] == "breached" and ticket["sla"]["breached"]
    assert ticket["priority"] == "urgent"  # raised one step
    assert len(alerts(app)) == 2 and "已超时" in alerts(app)[1]
    kinds = [e["kind"] for e in ticket["events"]]
    assert kinds.count("sla_at_risk") == 1 and kinds.count("sla_breached") == 1 and "priority" in kinds
    assert api.get("/api/tickets?breached=true&count=true").get_json()["total"] == 1


def test_a_paused_ticket_does_not_breach(app, api, clock):
    number = open_ticket(api, priority="urgent", assignee_id=3)
    api.patch(f"/api/tickets/{number}", {"version": 1, "waiting_customer": True})
    clock.advance(hours=5)
    sweep(app)
    assert api.get(f"/api/tickets/{number}").get_json()["sla"]["response"] == "pending"
    version = api.get(f"/api/tickets/{number}").get_json()["version"]
    api.patch(f"/api/tickets/{number}", {"version": version, "waiting_customer": False})
    clock.advance(hours=2, minutes=1)
    sweep(app)
    assert api.get(f"/api/tickets/{number}").get_json()["sla"]["response"] == "breached"


def test_answered_tickets_are_not_flagged(app, api, clock):
    number = open_ticket(api, priority="urgent", assignee_id=3)
    api.patch(f"/api/tickets/{number}", {"version": 1, "status": "in_progress"})
    clock.advance(hours=3)
    sweep(app)
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["sla"]["response"] == "met" and not ticket["sla"]["breached"]
    with app.app_context():
        assert db.session().scalars(select(Ticket)).one().priority == "urgent"
    assert alerts(app) == []


def test_alert_in_english_when_the_center_speaks_english(app, api, clock, settings):
    import dataclasses

    app.config["HOTLINE_SETTINGS"] = dataclasses.replace(settings, default_language="en-US")
    number = open_ticket(api, priority="urgent")
    clock.advance(timedelta(hours=2, minutes=1).total_seconds())
    sweep(app)
    assert "deadline passed" in alerts(app)[0] and number in alerts(app)[0]


def test_a_revisit_reopening_keeps_the_fresh_resolution_clock(app, api, clock):
    """The revisits area reopens an unsolved ticket and raises its priority as "system:revisit"."""
    from tickets import cases, sla

    number = open_ticket(api, priority="routine", assignee_id=3)
    api.patch(f"/api/tickets/{number}", {"version": 1, "status": "in_progress"})
    api.patch(f"/api/tickets/{number}", {"version": 2, "status": "resolved"})
    clock.advance(days=5)
    with app.app_context():
        session = db.session()
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        cases.move_status(session, ticket, "reopened", "system:revisit")
        cases.change_priority(session, ticket, sla.RAISED_PRIORITY[ticket.priority], "system:revisit",
                              reason="客户表示问题未解决")
        session.commit()
    sweep(app)
    body = api.get(f"/api/tickets/{number}").get_json()
    assert body["status"] == "reopened" and body["priority"] == "normal"
    assert body["sla"]["resolution"] == "pending" and body["sla"]["resolution_due"] > "2026-11-29"
