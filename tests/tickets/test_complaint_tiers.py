"""Complaints in tiers (issue 17, item 1): a complaint's 1-hour response and 24-hour resolution clocks
from the SLA rules file, escalation to a specialist group with a 24-hour plan clock (API, roles,
alerts at escalation and at each breach), and escalation words heard in a call raising the tier."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hotline import db, signals
from hotline.calendar import BusinessCalendar
from hotline.data_files import DataError
from hotline.jobs import enqueue, run_burst
from messaging.models import SmsMessage
from tests.tickets.conftest import ticket_of_call
from tickets.sla import DEFAULT_RULES, due_times, promised_at
from tickets.sla_rules import load_sla_rules
from tickets.sweep import sweep_sla
from transcription.analytics import analyse, keywords_heard
from transcription.rules import load_rules as load_qa_rules

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai
CALENDAR = BusinessCalendar()


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_a_complaint_has_a_one_hour_response_and_a_24_hour_resolution_clock():
    assert due_times(T0, "normal", CALENDAR, "complaint") == (T0 + timedelta(hours=1), T0 + timedelta(hours=24))
    # The sooner of priority and category: an urgent complaint keeps 1 h and 24 h; a routine one too.
    assert due_times(T0, "urgent", CALENDAR, "complaint") == (T0 + timedelta(hours=1), T0 + timedelta(hours=24))
    assert due_times(T0, "routine", CALENDAR, "complaint")[0] == T0 + timedelta(hours=1)
    # Other categories keep their priority's clocks.
    assert due_times(T0, "normal", CALENDAR, "problem")[0] == T0 + timedelta(hours=24)
    response, resolution = due_times(T0, "normal", CALENDAR, "complaint")
    assert promised_at("normal", response, resolution) == T0 + timedelta(hours=1)


def test_the_shipped_rules_file_says_what_the_defaults_say():
    rules = load_sla_rules()
    assert rules.categories == DEFAULT_RULES.categories and rules.priorities == DEFAULT_RULES.priorities
    assert rules.plan.hours == 24 and rules.default_group == "complaints"
    assert rules.groups["complaints"].queue == "complaint" and "technical" in rules.groups
    assert rules.raise_on_keywords == ("escalation",)


def test_the_rules_file_sets_the_clocks_and_reports_every_problem(tmp_path):
    path = tmp_path / "sla_rules.yaml"
    path.write_text("categories:\n  complaint: {response: 2h, resolution: 2 working days}\n"
                    "escalation:\n  plan: 48h\n", encoding="utf-8")
    rules = load_sla_rules(path)
    assert due_times(T0, "normal", CALENDAR, "complaint", rules)[0] == T0 + timedelta(hours=2)
    assert rules.plan.hours == 48
    path.write_text("priorities:\n  normal: {response: soon}\n  vip: {response: 1h}\n"
                    "categories:\n  complaint: {response: 0h}\n  praise: {response: 1h}\n"
                    "escalation:\n  default_group: nobody\n", encoding="utf-8")
    with pytest.raises(DataError) as problems:
        load_sla_rules(path)
    assert problems.value.problems == [
        f"{path}:2: priorities.normal.response: expected a clock like 24h or 3 working days (more than 0), got 'soon'",
        f"{path}:3: priorities.vip: unknown priority (known: urgent, normal, routine)",
        f"{path}:5: categories.complaint.response: expected a clock like 24h or 3 working days (more than 0), got '0h'",
        f"{path}:6: categories.praise: unknown category (known: inquiry, problem, complaint, suggestion, urgent, aftersales)",
        f"{path}:8: escalation.default_group: no such group 'nobody' (groups: complaints)",
    ]


def alerts(app) -> list[str]:
    with app.app_context():
        return [m.body for m in db.session().scalars(select(SmsMessage).where(SmsMessage.purpose == "sla_alert")
                                                     .order_by(SmsMessage.id))]


def sweep(app) -> None:
    with app.app_context():
        enqueue(sweep_sla, queue="default")
    run_burst(app, ("default",))


def complaint(api, token=None, **body):
    payload = {"phone": "13800138000", "category": "complaint", "notify": False, **body}
    response = api.post("/api/tickets", payload, token=token)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_complaint_ticket_shows_its_promise_and_an_edit_to_complaint_replans(api, clock):
    clock.set(T0)
    ticket = complaint(api)
    assert _at(ticket["sla"]["response_due"]) == T0 + timedelta(hours=1)
    assert _at(ticket["sla"]["resolution_due"]) == T0 + timedelta(hours=24)
    assert _at(ticket["sla"]["promised_at"]) == T0 + timedelta(hours=1)
    assert ticket["tier"] == 1 and ticket["escalated_group"] is None and ticket["sla"]["plan"] is None
    problem = complaint(api, category="problem", priority="normal", phone="13900139000")
    assert _at(problem["sla"]["response_due"]) == T0 + timedelta(hours=24)
    edited = api.patch(f"/api/tickets/{problem['number']}", {"version": problem["version"], "category": "complaint"})
    assert _at(edited.get_json()["sla"]["response_due"]) == T0 + timedelta(hours=1)


def test_a_complaints_one_hour_clock_breaches_and_alerts(app, api, clock):
    clock.set(T0)
    number = complaint(api)["number"]
    clock.advance(minutes=61)
    sweep(app)
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["sla"]["response"] == "breached" and ticket["sla"]["breached"]
    assert len(alerts(app)) == 1 and number in alerts(app)[0] and "响应时限已超时" in alerts(app)[0]


def test_who_may_escalate(api):
    mine = api.mint("agent", agent_id=7)
    other = api.mint("agent", agent_id=8)
    supervisor = api.mint("supervisor")
    qa = api.mint("qa")
    own = complaint(api, token=mine)  # an agent's ticket is assigned to them
    unassigned = complaint(api, phone="13900139000")
    assert api.post(f"/api/tickets/{own['number']}/escalate", {}, token=other).status_code == 403
    assert api.post(f"/api/tickets/{own['number']}/escalate", {}, token=qa).status_code == 403
    refused = api.post(f"/api/tickets/{unassigned['number']}/escalate", {}, token=mine)
    assert refused.status_code == 403  # open in their queue perhaps, but not theirs
    done = api.post(f"/api/tickets/{own['number']}/escalate", {"reason": "客户要求主管处理"}, token=mine)
    assert done.status_code == 200 and done.get_json()["tier"] == 2
    assert api.post(f"/api/tickets/{unassigned['number']}/escalate", {"group": "technical"},
                    token=supervisor).get_json()["escalated_group"] == "technical"
    assert api.post(f"/api/tickets/{unassigned['number']}/escalate", {"group": "legal"},
                    token=supervisor).status_code == 422
    assert api.post(f"/api/tickets/{unassigned['number']}/escalate", {"tier": 3},
                    token=supervisor).status_code == 422
    assert api.post("/api/tickets/GD20990101001/escalate", {}, token=supervisor).status_code == 404


def test_escalation_starts_a_plan_clock_alerts_at_once_and_at_each_breach(app, api, clock):
    clock.set(T0)
    ticket = complaint(api, priority="urgent")
    number = ticket["number"]
    escalated = api.post(f"/api/tickets/{number}/escalate", {"reason": "客户提到媒体曝光"}).get_json()
    assert escalated["tier"] == 2 and escalated["escalated_group"] == "complaints"
    assert _at(escalated["sla"]["plan_due"]) == T0 + timedelta(hours=24) and escalated["sla"]["plan"] == "pending"
    assert len(alerts(app)) == 1 and "投诉专项小组" in alerts(app)[0] and "客户提到媒体曝光" in alerts(app)[0]
    # Escalating again to the same group changes nothing and alerts nobody.
    assert api.post(f"/api/tickets/{number}/escalate", {}).get_json()["escalated_at"] == escalated["escalated_at"]
    assert len(alerts(app)) == 1
    history = api.get(f"/api/tickets/{number}").get_json()["events"]
    assert [e["data"]["group"] for e in history if e["kind"] == "escalated"] == ["complaints"]
    clock.advance(hours=23, minutes=40)
    sweep(app)
    assert api.get(f"/api/tickets/{number}").get_json()["sla"]["plan"] == "at_risk"
    clock.advance(minutes=21)
    sweep(app)
    sweep(app)  # a second sweep alerts nobody again
    after = api.get(f"/api/tickets/{number}").get_json()
    assert after["sla"]["plan"] == "breached" and after["sla"]["breached"]
    plan_alerts = [a for a in alerts(app) if "升级方案" in a]
    assert len(plan_alerts) == 2 and "即将超时" in plan_alerts[0] and "已超时" in plan_alerts[1]
    late = api.post(f"/api/tickets/{number}/plan", {"text": "赔偿方案：退还当月费用"}).get_json()
    assert late["sla"]["plan"] == "missed" and late["plan_at"]
    assert api.post(f"/api/tickets/{number}/plan", {"text": "again"}).status_code == 422


def test_a_plan_in_time_meets_the_clock_and_a_closed_ticket_cannot_be_escalated(app, api, clock):
    clock.set(T0)
    number = complaint(api)["number"]
    assert api.post(f"/api/tickets/{number}/plan", {"text": "x"}).status_code == 422  # not escalated
    api.post(f"/api/tickets/{number}/escalate", {})
    clock.advance(hours=5)
    assert api.post(f"/api/tickets/{number}/plan", {"text": "上门检修"}).get_json()["sla"]["plan"] == "met"
    closed = complaint(api, phone="13900139000", assignee_id=7)
    for status in ("in_progress", "resolved", "closed"):
        version = api.get(f"/api/tickets/{closed['number']}").get_json()["version"]
        assert api.patch(f"/api/tickets/{closed['number']}", {"version": version, "status": status}).status_code == 200
    refused = api.post(f"/api/tickets/{closed['number']}/escalate", {})
    assert refused.status_code == 422 and "reopen" in refused.get_json()["error"]


@pytest.mark.parametrize("language,said,heard", [
    ("zh-CN", "你们再不处理我就打12315，还要找媒体和律师", ["12315", "媒体", "律师"]),
    ("zh-CN", "我要去消费者协会投诉你们", ["消费者协会"]),
    ("en-US", "I will call my lawyer about this", ["lawyer"]),
])
def test_escalation_words_in_a_transcript_raise_the_tickets_tier(app, api, phone, language, said, heard):
    turns = [{"speaker": "agent", "start": 0.0, "end": 2.0, "text": "您好", "words": []},
             {"speaker": "caller", "start": 2.5, "end": 6.0, "text": said, "words": []}]
    keywords = keywords_heard(analyse(turns, 6.0, language, load_qa_rules().data))
    assert set(heard) <= set(keywords["escalation"])
    sid = phone.call()
    phone.routed(sid, category="problem", language=language)
    quiet = phone.call("+8613900139000")
    phone.routed(quiet, category="problem", language=language)
    with app.app_context():
        # As transcription's pipeline announces a finished transcript.
        signals.transcript_ready.send(app, call_sid=sid, transcript_id=1, keywords=keywords)
        signals.transcript_ready.send(app, call_sid=quiet, transcript_id=2, keywords={"refund": ["退款"]})
    ticket = api.get(f"/api/tickets/{ticket_of_call(app, sid)}").get_json()
    assert ticket["tier"] == 2 and ticket["escalated_group"] == "complaints" and ticket["sla"]["plan"] == "pending"
    [event] = [e for e in ticket["events"] if e["kind"] == "escalated"]
    assert event["actor"] == "system:transcript" and set(heard) <= set(event["data"]["words"])
    assert any(ticket["number"] in a and "投诉专项小组" in a for a in alerts(app))
    assert api.get(f"/api/tickets/{ticket_of_call(app, quiet)}").get_json()["tier"] == 1
