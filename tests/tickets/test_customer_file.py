"""The customer file (issue 17, item 5): agents record name, title, language, contact time and a
confirmed identity; customer numbers C + yyyymm + sequence, unique with 8 creators at once; every
change kept with who, when, before and after."""
from __future__ import annotations

import importlib.util
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from hotline import db
from tickets import cases
from tickets.customer_file import format_customer_number, looks_like_customer_number
from tickets.models import Customer
from tickets.salutation import CustomerSalutations

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai


def test_format():
    assert format_customer_number(datetime(2024, 5, 1).date(), 1) == "C202405001"  # the manuals' example
    assert format_customer_number(datetime(2026, 11, 1).date(), 1234) == "C2026111234"
    assert looks_like_customer_number("C202405001") and not looks_like_customer_number("C20240501")


def _customer(app, phone):
    with app.app_context():
        session = db.session()
        customer = cases.customer_for_phone(session, phone)
        session.commit()
        return customer.customer_number


def test_a_new_caller_gets_the_months_next_number_in_the_centers_zone(app, clock):
    clock.set(datetime(2026, 11, 30, 15, 59, tzinfo=timezone.utc))  # 23:59 on 30 November in Beijing
    assert _customer(app, "+8613800138000") == "C202611001"
    assert _customer(app, "+8613800138000") == "C202611001"  # the same caller keeps theirs
    clock.set(datetime(2026, 11, 30, 16, 1, tzinfo=timezone.utc))  # 00:01 on 1 December
    assert _customer(app, "+8613900139000") == "C202612001"
    assert _customer(app, "+8613700137000") == "C202612002"


def test_eight_concurrent_new_callers_get_eight_numbers(app, clock):
    clock.set(T0)
    creators = 8
    barrier = threading.Barrier(creators)
    numbers, errors = [], []

    def create(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            numbers.append(_customer(app, f"+86138001380{index:02d}"))
        except Exception as exc:  # collected so the assertion shows it
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(creators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == [f"C202611{n:03d}" for n in range(1, creators + 1)]


def _ticket(api, token, phone="13800138000", language="zh-CN"):
    response = api.post("/api/tickets", {"phone": phone, "category": "inquiry", "notify": False,
                                         "language": language}, token=token)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("language, title, surname, greeting", [("zh-CN", "ms", "王", "王女士"),
                                                                ("en-US", "mr", "Smith", "Mr Smith")])
def test_an_agent_records_who_the_caller_is_and_every_change_is_kept(app, api, clock, language, title, surname,
                                                                      greeting):
    clock.set(T0)
    agent = api.mint("agent", agent_id=7)
    ticket = _ticket(api, agent, language=language)
    number = ticket["customer"]["customer_number"]
    assert number == "C202611001"
    changed = api.patch("/api/customers/13800138000", {
        "name": f"{surname} 一" if language == "zh-CN" else f"John {surname}", "surname": surname, "title": title,
        "language": language, "contact_time": "工作日 09:00-12:00", "identity_confirmed": True}, token=agent)
    assert changed.status_code == 200, changed.get_json()
    unknown = api.patch("/api/customers/13800138000", {"identity_confirmed": None}, token=agent)
    assert unknown.status_code == 422 and "identity_confirmed" in unknown.get_json()["error"]
    body = changed.get_json()
    assert body["title"] == title and body["contact_time"] == "工作日 09:00-12:00"
    assert body["identity_confirmed"] and body["identity_confirmed_by"] == "agent:7"
    with app.app_context():
        assert CustomerSalutations().salutation(body["title"], body["surname"], language) == greeting
    clock.advance(minutes=5)
    # By customer number too (what the desk shows of a caller); a change to the same value keeps nothing.
    again = api.patch(f"/api/customers/{number}", {"title": "mr" if title == "ms" else "ms", "surname": surname},
                      token=agent)
    assert again.status_code == 200
    history = api.get("/api/customers/+8613800138000/history", token=agent).get_json()
    assert history["customer_number"] == number
    latest, first = history["history"]
    assert latest["actor"] == "agent:7" and latest["changes"] == {"title": {"before": title,
                                                                            "after": "mr" if title == "ms" else "ms"}}
    assert datetime.fromisoformat(latest["at"]) == T0.replace(minute=5)
    assert first["changes"]["title"] == {"before": None, "after": title}
    assert first["changes"]["identity_confirmed"] == {"before": False, "after": True}
    assert first["changes"]["contact_time"] == {"before": None, "after": "工作日 09:00-12:00"}


def test_what_an_agent_may_not_change_and_whom(api, clock):
    clock.set(T0)
    agent = api.mint("agent", agent_id=7)
    other = api.mint("agent", agent_id=8)
    qa = api.mint("qa")
    _ticket(api, agent)
    assert api.patch("/api/customers/13800138000", {"vip": True}, token=agent).status_code == 403
    assert api.patch("/api/customers/13800138000", {"customer_number": "C202611999"}, token=agent).status_code == 403
    assert api.patch("/api/customers/13800138000", {"title": "mr"}, token=other).status_code == 403
    assert api.patch("/api/customers/13800138000", {"title": "mr"}, token=qa).status_code == 403
    assert api.get("/api/customers/13800138000/history", token=other).status_code == 403
    assert api.patch("/api/customers/13800138000", {"title": "sir"}, token=agent).status_code == 422
    assert api.patch("/api/customers/13800138000", {"shoe_size": 42}, token=agent).status_code == 422
    assert api.patch("/api/customers/C209912001", {"title": "mr"}).status_code == 404
    # A supervisor may renumber, but never onto another customer's number.
    _ticket(api, agent, phone="13900139000")
    assert api.patch("/api/customers/13900139000", {"customer_number": "C202611001"}).status_code == 409
    assert api.patch("/api/customers/13900139000", {"customer_number": "12345"}).status_code == 422
    assert api.patch("/api/customers/13900139000", {"vip": True}).get_json()["vip"] is True


def test_a_customer_filed_before_numbers_gets_one_at_the_first_change(app, api, clock):
    clock.set(T0)
    _ticket(api, api.mint("agent", agent_id=7))
    with app.app_context():
        db.session().execute(text("UPDATE customers SET customer_number = NULL"))
        db.session().commit()
    body = api.patch("/api/customers/13800138000", {"contact_time": "晚上"}).get_json()
    assert body["customer_number"] == "C202611002"


def test_the_migration_keeps_a_repeated_hand_typed_number_once_and_says_so(app, api, database_url, clock):
    clock.set(T0)
    agent = api.mint("agent", agent_id=7)
    first = _ticket(api, agent)["customer"]["customer_number"]
    _ticket(api, agent, phone="13900139000")
    path = Path(__file__).resolve().parents[2] / "tickets" / "migrations" / "tickets_0008_customer_file.py"
    spec = importlib.util.spec_from_file_location("tickets_0008", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP INDEX ux_customers_customer_number"))  # as before the migration
            connection.execute(text("UPDATE customers SET customer_number = 'VIP-1'"))
            migration.unique_numbers(connection)
            connection.execute(text("CREATE UNIQUE INDEX ux_customers_customer_number ON customers (customer_number)"))
    finally:
        engine.dispose()
    with app.app_context():
        kept = dict(db.session().execute(select(Customer.phone, Customer.customer_number)).all())
    assert kept == {"+8613800138000": "VIP-1", "+8613900139000": None} and first
    history = api.get("/api/customers/13900139000/history").get_json()["history"]
    assert history[0]["actor"] == "system:tickets_0008"
    assert history[0]["changes"]["customer_number"] == {"before": "VIP-1", "after": None}
