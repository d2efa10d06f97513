"""Departments own work (issue 17, item 4): the departments file, its checks, and the `Departments`
contract other areas ask (routing transfers calls to a department's phone)."""
from __future__ import annotations

import dataclasses
import importlib.util
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from hotline import db
from hotline.contracts import Department, Departments, need
from hotline.jobs import enqueue, run_burst
from messaging.models import SmsMessage
from hotline.data_files import DataError
from tickets.departments import DEPARTMENTS, load_departments
from tickets.sweep import due_candidates, sweep_sla
from tests.support.sql import explain, statements


def test_the_shipped_file_has_the_manuals_departments_with_24_and_48_hour_clocks():
    departments = {d.key: d for d in load_departments()}
    assert {"technical", "billing", "logistics", "after-sales", "product", "operations"} <= set(departments)
    technical = departments["technical"]
    assert (technical.name("zh-CN"), technical.name("en-US")) == ("技术部", "Technical")
    assert technical.phone.startswith("+86") and technical.sms.startswith("+86")
    assert all(d.handoff_hours == 24 and d.reply_hours == 48 for d in departments.values())


def test_the_contract_answers_from_the_app_and_its_values_are_frozen(app):
    with app.app_context():
        book = need(Departments)
        assert [d.key for d in book.all()][:2] == ["technical", "billing"]
        billing = book.get("billing")
        assert isinstance(billing, Department) and billing.name("zh-CN") == "财务部"
        assert book.get("nobody") is None and book.get(None) is None
        with pytest.raises(dataclasses.FrozenInstanceError):
            billing.phone = "+8613800138000"  # type: ignore[misc]


def test_an_operators_file_sets_its_own_clocks_and_an_edit_is_seen_without_a_restart(app, settings, tmp_path):
    path = tmp_path / "departments.yaml"
    path.write_text("departments:\n  - key: legal\n    name: {zh-CN: 法务部, en-US: Legal}\n"
                    "    phone: '021 6000 0199'\n    sms: '13900000199'\n    reply_hours: 72\n", encoding="utf-8")
    legal = load_departments(path)[0]
    assert (legal.phone, legal.sms, legal.email) == ("+862160000199", "+8613900000199", None)
    assert (legal.handoff_hours, legal.reply_hours) == (24, 72)
    assert DEPARTMENTS.path(dataclasses.replace(settings, departments_path=path)) == path


def test_every_problem_in_the_file_is_listed_with_its_line(tmp_path):
    path = tmp_path / "departments.yaml"
    path.write_text(
        "departments:\n"
        "  - key: Tech Team\n"                                   # 2: not a key
        "    name: {zh-CN: 技术部}\n"                            # 3: no English name
        "    phone: call me\n"                                   # 4: not a number
        "    sms: '+8613900000101'\n"
        "    handoff_hours: 0\n"                                 # 6: out of range
        "  - key: billing\n"
        "    name: {zh-CN: 财务部, en-US: Billing}\n"
        "    phone: '+862160000102'\n"
        "    sms: '+8613900000102'\n"
        "    email: billing\n"                                   # 11: not an address
        "  - key: billing2\n"
        "    name: {zh-CN: 财务二部, en-US: Billing 2}\n"
        "    phone: '+862160000103'\n"
        "    sms: '+8613900000102'\n"                            # 12: same SMS number as billing
        "    fax: '+862160000104'\n", encoding="utf-8")          # 16: unknown field
    with pytest.raises(DataError) as error:
        load_departments(path)
    problems = "\n".join(error.value.problems)
    for expected in ("departments.yaml:2: departments[0].key", "departments[0].name.en-US: missing translation",
                     ":4: departments[0].phone: not a valid phone number", ":6: departments[0].handoff_hours",
                     ":11: departments[1].email: not an e-mail address", ":16: departments[2].fax: unknown field"):
        assert expected in problems, problems
    assert "the same SMS number as 'billing'" in problems


def test_hotline_check_checks_the_departments_file(runner):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "departments.yaml: ok (departments)" in result.output


# --- handing a ticket over (tickets/handoff.py) ------------------------------------------------

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai
MIGRATION = Path(__file__).resolve().parents[2] / "tickets" / "migrations" / "tickets_0007_departments.py"
TECHNICAL_SMS = "+8613900000101"


def texts(app, purpose: str) -> list[SmsMessage]:
    with app.app_context():
        return list(db.session().scalars(select(SmsMessage).where(SmsMessage.purpose == purpose)
                                         .order_by(SmsMessage.id)))


def sweep(app) -> None:
    with app.app_context():
        enqueue(sweep_sla, queue="default")
    run_burst(app, ("default",))


def problem(api, token=None, **body):
    payload = {"phone": "13800138000", "category": "problem", "notify": False,
               "description": "宽带每晚断线，需要检测线路", **body}
    response = api.post("/api/tickets", payload, token=token)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_handed_over_ticket_gets_both_clocks_and_the_department_and_customer_are_told(app, api, clock):
    clock.set(T0)
    number = problem(api)["number"]
    handed = api.post(f"/api/tickets/{number}/handoff", {"department": "technical", "note": "线路问题"})
    assert handed.status_code == 200, handed.get_json()
    ticket = handed.get_json()
    assert ticket["department"] == "technical"
    assert datetime.fromisoformat(ticket["handoff"]["handoff_due"]) == T0 + timedelta(hours=24)
    assert datetime.fromisoformat(ticket["handoff"]["reply_due"]) == T0 + timedelta(hours=48)
    assert ticket["handoff"]["handoff"] == ticket["handoff"]["reply"] == "pending"
    [notice] = texts(app, "department_notice")
    assert notice.to_number == TECHNICAL_SMS and number in notice.body and "技术部" in notice.body
    assert "宽带每晚断线" in notice.body and "11月26日" in notice.body  # reply by Thursday 10:00
    [progress] = texts(app, "ticket_progress")
    assert progress.to_number == "+8613800138000" and "已转交技术部处理" in progress.body
    events = {e["kind"]: e for e in api.get(f"/api/tickets/{number}").get_json()["events"]}
    assert events["handed_off"]["data"]["note"] == "线路问题"
    # The e-mail is kept on the ticket as queued (sent by a job: tests/tickets/test_department_mail.py).
    assert events["email_queued"]["data"]["to"] == "tech@example.com"
    # Handing it to the same department again changes nothing and tells nobody twice.
    again = api.post(f"/api/tickets/{number}/handoff", {"department": "technical"}).get_json()
    assert again["handoff"]["handed_off_at"] == ticket["handoff"]["handed_off_at"]
    assert len(texts(app, "department_notice")) == 1


def test_an_english_customer_hears_the_department_in_english(app, api, clock):
    clock.set(T0)
    number = problem(api, language="en-US", phone="13900139000")["number"]
    api.post(f"/api/tickets/{number}/handoff", {"department": "logistics"})
    [progress] = texts(app, "ticket_progress")
    assert "passed to our Logistics team" in progress.body and number in progress.body


def test_the_department_is_reminded_before_and_the_supervisor_alerted_after_each_breach(app, api, clock):
    clock.set(T0)
    number = problem(api)["number"]
    api.post(f"/api/tickets/{number}/handoff", {"department": "technical"})
    clock.advance(hours=20, minutes=1)  # 4 hours before the hand-off deadline (DEPARTMENT_REMINDER_HOURS)
    sweep(app)
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["handoff"]["handoff"] == "at_risk" and not ticket["sla"]["breached"]
    reminders = [m.body for m in texts(app, "department_notice")[1:]]
    assert len(reminders) == 1 and "提醒" in reminders[0] and "部门受理时限即将超时" in reminders[0]
    clock.advance(hours=4)
    sweep(app)
    sweep(app)  # a second sweep reminds and alerts nobody again
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["handoff"]["handoff"] == "breached" and ticket["sla"]["breached"]
    alerts = [m.body for m in texts(app, "sla_alert") if "部门" in m.body]  # not the response clock's
    assert len(alerts) == 1 and number in alerts[0] and "部门受理时限已超时，截止11月25日 10:00" in alerts[0]
    clock.advance(hours=20)
    sweep(app)
    assert api.get(f"/api/tickets/{number}").get_json()["handoff"]["reply"] == "at_risk"
    clock.advance(hours=4)
    sweep(app)
    alerts = [m.body for m in texts(app, "sla_alert") if "部门" in m.body]
    assert len(alerts) == 2 and "部门回复时限已超时，截止11月26日 10:00" in alerts[1]
    assert len(texts(app, "department_notice")) == 5  # the notice, then a reminder at each state change
    late = api.post(f"/api/tickets/{number}/department-reply", {"text": "已更换光猫"}).get_json()
    assert late["handoff"]["handoff"] == "missed" and late["handoff"]["reply"] == "missed"


def test_on_postgresql_the_sweep_finds_department_clocks_by_their_partial_indexes(app, api, clock, settings):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the plan is PostgreSQL's")
    clock.set(T0)
    number = problem(api)["number"]
    api.post(f"/api/tickets/{number}/handoff", {"department": "technical"})
    with app.app_context():
        session = db.session()
        # 50,000 tickets handed over long ago and settled, copied from this one (every other column as it is).
        columns = [c for c in session.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'tickets' "
            "AND table_schema = current_schema()")).scalars()
            if c not in ("id", "number", "status", "handoff_sla", "reply_sla", "response_sla", "resolution_sla")]
        session.execute(text(
            f"INSERT INTO tickets (number, status, handoff_sla, reply_sla, response_sla, resolution_sla, "
            f"{', '.join(columns)}) SELECT 'GDX' || g, CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'in_progress' END, "
            f"'met', 'met', 'met', 'met', {', '.join('t.' + c for c in columns)} "
            "FROM (SELECT * FROM tickets ORDER BY id LIMIT 1) t, generate_series(1, 50000) g"))
        session.execute(text("ANALYZE tickets"))
        session.commit()
    clock.advance(hours=21)
    with app.app_context(), statements(app) as seen:
        stamp = clock.now()
        assert db.session().scalars(due_candidates(stamp + timedelta(minutes=30), stamp + timedelta(hours=4))).all()
    sql, parameters, _ = seen[-1]
    plan = explain(app, sql, parameters)
    assert "ix_tickets_handoff_due_watched" in plan and "ix_tickets_reply_due_watched" in plan, plan
    assert "Seq Scan on tickets" not in plan, plan


def test_a_reply_by_api_in_time_meets_both_clocks_and_a_first_word_only_the_hand_off(app, api, clock):
    clock.set(T0)
    number = problem(api)["number"]
    assert api.post(f"/api/tickets/{number}/department-reply", {"text": "x"}).status_code == 422  # not handed over
    api.post(f"/api/tickets/{number}/handoff", {"department": "billing"})
    clock.advance(hours=3)
    taken = api.post(f"/api/tickets/{number}/department-reply", {"text": "已收到，核查中", "final": False}).get_json()
    assert taken["handoff"]["handoff"] == "met" and taken["handoff"]["reply"] == "pending"
    clock.advance(hours=30)
    done = api.post(f"/api/tickets/{number}/department-reply", {"text": "已退还多扣费用"}).get_json()
    assert done["handoff"]["reply"] == "met" and done["handoff"]["replied_at"]
    replies = [e for e in done["events"] if e["kind"] == "department_reply"] if "events" in done else \
        [e for e in api.get(f"/api/tickets/{number}").get_json()["events"] if e["kind"] == "department_reply"]
    assert [r["data"]["text"] for r in replies] == ["已收到，核查中", "已退还多扣费用"]


def test_who_may_hand_over_and_what_is_refused(api):
    mine = api.mint("agent", agent_id=7)
    other = api.mint("agent", agent_id=8)
    qa = api.mint("qa")
    own = problem(api, token=mine)["number"]
    assert api.post(f"/api/tickets/{own}/handoff", {"department": "technical"}, token=other).status_code == 403
    assert api.post(f"/api/tickets/{own}/handoff", {"department": "technical"}, token=qa).status_code == 403
    unknown = api.post(f"/api/tickets/{own}/handoff", {"department": "legal"}, token=mine)
    assert unknown.status_code == 422 and "no such department 'legal'" in unknown.get_json()["error"]
    assert api.post(f"/api/tickets/{own}/handoff", {"department": "technical", "x": 1}, token=mine).status_code == 422
    assert api.post(f"/api/tickets/{own}/handoff", {"department": "technical"}, token=mine).status_code == 200
    assert api.post("/api/tickets/GD20990101001/handoff", {"department": "technical"}).status_code == 404
    listed = api.get("/api/departments", token=mine).get_json()["departments"]
    assert listed[0]["key"] == "technical" and listed[0]["name"] == {"zh-CN": "技术部", "en-US": "Technical"}


def test_the_department_field_takes_a_key_or_a_name_and_refuses_free_text(api):
    ticket = problem(api, department="物流部")
    assert ticket["department"] == "logistics"
    changed = api.patch(f"/api/tickets/{ticket['number']}", {"version": ticket["version"], "department": "Billing"})
    assert changed.get_json()["department"] == "billing"
    refused = api.patch(f"/api/tickets/{ticket['number']}", {"version": changed.get_json()["version"],
                                                             "department": "网络部"})
    assert refused.status_code == 422 and "no such department" in refused.get_json()["error"]


@pytest.mark.parametrize("body", ["GD{n} 已处理：更换光猫", "工单 {n} 已上门检修", "Fixed the line for gd{n}"])
def test_a_departments_sms_naming_the_ticket_is_its_reply(app, api, simulator, clock, body):
    clock.set(T0)
    number = problem(api)["number"]
    api.post(f"/api/tickets/{number}/handoff", {"department": "technical"})
    simulator.sms(TECHNICAL_SMS, body.format(n=number[2:]) if "gd" in body.lower() and "GD{n}" not in body
                  else body.format(n=number))
    simulator.run()
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["handoff"]["reply"] == "met", ticket["handoff"]
    [reply] = [e for e in ticket["events"] if e["kind"] == "department_reply"]
    assert reply["actor"] == "department:technical" and reply["data"]["via"] == "sms"


def test_an_sms_from_elsewhere_or_naming_another_departments_ticket_records_nothing(app, api, simulator, clock):
    clock.set(T0)
    number = problem(api)["number"]
    api.post(f"/api/tickets/{number}/handoff", {"department": "technical"})
    simulator.sms("+8613900000102", f"{number} 已处理")  # billing's number: not its ticket
    simulator.sms("+8613700137000", f"{number} 已处理")  # a stranger
    simulator.sms(TECHNICAL_SMS, "已处理")  # no ticket named
    simulator.run()
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["handoff"]["reply"] == "pending"
    assert not [e for e in ticket["events"] if e["kind"] == "department_reply"]
    with app.app_context():  # messaging keeps every inbound message all the same
        assert len(db.session().scalars(select(SmsMessage).where(SmsMessage.direction == "inbound")).all()) == 3


def test_the_migration_turns_typed_names_into_keys_and_keeps_other_text_readable(app, api, database_url):
    spec = importlib.util.spec_from_file_location("tickets_0007", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    typed = {"技术部": "technical", " Logistics ": "logistics", "售后": "after-sales", "网络部": None}
    numbers = {}
    for i, value in enumerate(typed):
        number = problem(api, phone=f"1390013900{i}")["number"]
        with app.app_context():  # as the free-text field held it before
            db.session().execute(text("UPDATE tickets SET department = :d WHERE number = :n"), {"d": value, "n": number})
            db.session().commit()
        numbers[value] = number
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            migration.keys_from_free_text(connection)
    finally:
        engine.dispose()
    for value, key in typed.items():
        ticket = api.get(f"/api/tickets/{numbers[value]}").get_json()
        assert ticket["department"] == key
        assert ticket["department_note"] == (None if key else value)


def test_the_weekly_report_counts_problems_by_category_and_department(app, api, clock):
    clock.set(T0)  # week 2026-W48
    for i, (category, department) in enumerate([("problem", "technical"), ("problem", "technical"),
                                                ("complaint", "billing"), ("inquiry", None)]):
        number = problem(api, phone=f"1390013900{i}", category=category)["number"]
        if department:
            api.post(f"/api/tickets/{number}/handoff", {"department": department})
    clock.set(T0 + timedelta(days=7))  # the next week's tickets are not counted
    problem(api, phone="13900139009")
    report = api.get("/api/reports/frequent-problems?week=2026-W48").get_json()
    assert (report["week"], report["from"], report["to"], report["total"]) == ("2026-W48", "2026-11-23", "2026-11-29", 4)
    top = report["problems"][0]
    assert (top["category"], top["department"], top["tickets"], top["handed_off"]) == ("problem", "technical", 2, 2)
    assert top["department_name"] == {"zh-CN": "技术部", "en-US": "Technical"}
    assert report["by_category"] == {"problem": 2, "complaint": 1, "inquiry": 1}
    assert report["by_department"] == {"technical": 2, "billing": 1}
    # Without a week: the last full one (today is in W49).
    assert api.get("/api/reports/frequent-problems").get_json()["week"] == "2026-W48"
    csv = api.get("/api/reports/frequent-problems?week=2026-W48&format=csv")
    lines = csv.get_data(as_text=True).splitlines()
    assert csv.mimetype == "text/csv" and lines[0].startswith("week,category,department,department_name,tickets")
    assert lines[1].startswith("2026-W48,problem,technical,技术部,2,") and len(lines) == 4
    assert api.get("/api/reports/frequent-problems?week=2026-48").status_code == 400
    assert api.get("/api/reports/frequent-problems?week=2025-W53").status_code == 400  # 2025 had 52 weeks
    assert api.get("/api/reports/frequent-problems", token=api.mint("agent", agent_id=7)).status_code == 403


def test_the_weekly_report_aggregates_in_sql(app, api, clock):
    clock.set(T0)
    for i in range(3):
        problem(api, phone=f"1390013900{i}")
    with statements(app) as seen:
        assert api.get("/api/reports/frequent-problems?week=2026-W48").get_json()["total"] == 3
    [query] = [s.sql for s in seen if "FROM tickets" in s.sql]
    assert "GROUP BY tickets.category, tickets.department" in query and "count(" in query.lower()
