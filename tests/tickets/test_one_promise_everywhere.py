"""One ticket's promise reads as the same instant in the creation SMS, the IVR's status, the ticket
API, the report and its CSV, and the SLA sweep acts on it at that instant, on SQLite and PostgreSQL.

The ticket is routine, so its due time comes from the business calendar in Shanghai time (the
values that SQLite used to store as a clock reading without the offset), and it is opened at
01:00 in Shanghai, when the UTC date is still the day before.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from hotline import db
from hotline.jobs import enqueue, run_burst
from messaging.models import SmsMessage
from tests.support.callers import Caller
from tickets.sweep import sweep_sla

OPENED = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)  # Monday 30 Nov, 01:00 in Shanghai
PROMISED = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)  # Thursday 3 Dec, 20:00 in Shanghai:
# three working days on (Tue, Wed, Thu), at closing time since it was opened before opening time.


def texts(app, purpose: str) -> list[str]:
    with app.app_context():
        return list(db.session().scalars(select(SmsMessage.body).where(SmsMessage.purpose == purpose)
                                         .order_by(SmsMessage.id)))


def ivr_status(twilio, sid: str, number: str, language_key: str, ticket: str) -> str:
    call = Caller(twilio, sid, number)
    call.dial()
    call.press(language_key)
    call.press("5")  # ticket and after-sales
    call.press("1")  # ticket status
    return call.press(ticket.removeprefix("GD")).said()


def sweep(app) -> None:
    with app.app_context():
        enqueue(sweep_sla, queue="default")
    run_burst(app, ("default",))


def test_one_promise_reads_the_same_everywhere(app, api, twilio, clock):
    clock.set(OPENED)
    created = api.post("/api/tickets", {"phone": "13800138000", "category": "problem", "priority": "routine"})
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["number"]
    assert number == "GD20261130001"  # numbered by the Shanghai day, not UTC's 29 Nov

    assert "12月3日 20:00" in texts(app, "ticket_created")[0]

    ticket = api.get(f"/api/tickets/{number}").get_json()  # read back from the database
    assert datetime.fromisoformat(ticket["sla"]["promised_at"]) == PROMISED
    assert datetime.fromisoformat(ticket["sla"]["resolution_due"]) == PROMISED
    assert created.get_json()["sla"]["promised_at"] == ticket["sla"]["promised_at"] == "2026-12-03T12:00:00+00:00"

    clock.set(datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc))  # the customer calls at 10:00
    assert "预计处理完成时间：12月3日20点。" in ivr_status(twilio, "CA" + "1" * 32, "+8613800138000", "1", number)
    english = ivr_status(twilio, "CA" + "2" * 32, "+8613800138000", "2", number)  # the owner calls again
    assert "December 3 at 8:00 PM" in english and "December 4" not in english

    report = api.get("/api/reports/tickets?from=2026-11-29&to=2026-11-30").get_json()
    assert {p["period"]: p["count"] for p in report["periods"]}.get("2026-11-30") == 1
    assert report["totals"]["count"] == 1
    rows = list(csv.DictReader(io.StringIO(
        api.get("/api/reports/tickets?from=2026-11-29&to=2026-11-30&format=csv").get_data(as_text=True))))
    assert [(r["period"], r["count"]) for r in rows if r["count"] != "0"] == [("2026-11-30", "1"), ("total", "1")]

    clock.set(PROMISED - timedelta(minutes=1))
    sweep(app)
    assert api.get(f"/api/tickets/{number}").get_json()["sla"]["resolution"] == "at_risk"
    clock.set(PROMISED + timedelta(seconds=1))
    sweep(app)
    assert api.get(f"/api/tickets/{number}").get_json()["sla"]["resolution"] == "breached"
    alerts = texts(app, "sla_alert")
    assert alerts and all("12月3日 20:00" in body for body in alerts)


def test_a_customer_abroad_is_promised_in_their_own_time(app, api, clock):
    clock.set(OPENED)
    api.post("/api/tickets", {"phone": "+12125550123", "category": "problem", "priority": "routine",
                              "language": "en-US", "notify": False})
    api.patch("/api/customers/+12125550123", {"timezone": "America/New_York"})
    api.post("/api/tickets", {"phone": "+12125550123", "category": "problem", "priority": "routine",
                              "language": "en-US"})
    assert "3 Dec 07:00" in texts(app, "ticket_created")[0]  # 20:00 in Shanghai is 07:00 in New York
