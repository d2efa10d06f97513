"""Suggestions as their own category (issue 17, item 3): the IVR's key 6 and words, a routine ticket,
"what we did" told to the customer when it is resolved (never resolved without it), a monthly list of
suggestions and outcomes (JSON pages and a streamed CSV, months in the center's zone), QA sampling."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hotline import db
from messaging.models import SmsMessage
from tests.tickets.conftest import ticket_of_call
from tickets.sms_wording import DEFAULT_TEMPLATES_PATH, load_templates
from transcription.rules import load_rules as load_qa_rules
from transcription.sampling import review_reason


def _open(api, phone="13800138000", language="zh-CN", text="希望增加夜间服务"):
    made = api.post("/api/tickets", {"phone": phone, "category": "suggestion", "language": language,
                                     "description": text, "assignee_id": 2, "notify": False})
    assert made.status_code == 201, made.get_json()
    return _worked(api, made.get_json())


def _worked(api, ticket):
    working = api.patch(f"/api/tickets/{ticket['number']}", {"version": ticket["version"], "status": "in_progress"})
    assert working.status_code == 200, working.get_json()
    return working.get_json()


def _resolve(api, ticket, summary=None):
    body = {"version": ticket["version"], "status": "resolved",
            **({"resolution_summary": summary} if summary is not None else {})}
    return api.patch(f"/api/tickets/{ticket['number']}", body)


def test_a_routed_suggestion_becomes_a_routine_suggestion_ticket(app, phone):
    sid = phone.call()
    phone.routed(sid, category="suggestion", priority=2)
    with app.app_context():
        from tickets.models import Ticket

        ticket = db.session().scalars(select(Ticket).where(Ticket.number == ticket_of_call(app, sid))).one()
        assert (ticket.category, ticket.priority) == ("suggestion", "routine")
        assert ticket.resolution_due - ticket.created_at >= timedelta(days=3)  # 3 working days


@pytest.mark.parametrize("language, summary, said", [
    ("zh-CN", "已在12月起延长夜间服务至23点", "感谢您的宝贵建议"),
    ("en-US", "night service now runs until 11 pm from December", "thank you for your suggestion"),
])
def test_a_suggestion_is_resolved_with_what_we_did_and_the_customer_is_told(app, api, language, summary, said):
    ticket = _open(api, phone="13800138001" if language == "zh-CN" else "+14155550123", language=language)
    refused = _resolve(api, ticket)
    assert refused.status_code == 422 and refused.get_json()["error"].startswith("resolution_summary:")
    blank = _resolve(api, ticket, "  ")
    assert blank.status_code == 422
    done = _resolve(api, ticket, summary)
    assert done.status_code == 200, done.get_json()
    with app.app_context():
        [text] = db.session().scalars(select(SmsMessage.body).where(SmsMessage.purpose == "ticket_resolved")).all()
    assert said in text and ticket["number"] in text and summary[:12] in text
    assert "回访" not in text and "call you" not in text  # a thank-you, not the revisit's promise


def test_other_categories_still_resolve_without_a_summary(api):
    made = api.post("/api/tickets", {"phone": "13800138002", "category": "inquiry", "assignee_id": 2,
                                     "notify": False}).get_json()
    assert _resolve(api, _worked(api, made)).status_code == 200


def test_the_monthly_list_pages_by_keyset_counts_the_month_and_streams_its_csv(app, api, clock):
    # 2026-11-30 17:30 UTC is 1 December 01:30 in Shanghai: December's, not November's.
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc))
    november = _open(api, phone="13800138010", text="十一月的建议")
    clock.set(datetime(2026, 11, 30, 17, 30, tzinfo=timezone.utc))
    december = [_open(api, phone=f"138001380{20 + n}", text=f"建议{n}") for n in range(5)]
    assert _resolve(api, december[0], "已采纳").status_code == 200
    api.post("/api/tickets", {"phone": "13800138099", "category": "complaint", "notify": False})

    nov = api.get("/api/reports/suggestions?month=2026-11").get_json()
    assert [s["number"] for s in nov["suggestions"]] == [november["number"]] and nov["total"] == 1
    seen, url = [], "/api/reports/suggestions?month=2026-12&limit=2"
    while url:
        page = api.get(url).get_json()
        assert page["month"] == "2026-12" and page["total"] == 5 and page["counts"] == {"resolved": 1, "in_progress": 4}
        seen += page["suggestions"]
        url = page["next_url"]
    assert [s["number"] for s in seen] == [t["number"] for t in december]
    assert seen[0]["what_we_did"] == "已采纳" and seen[0]["created_at"].startswith("2026-12-01T01:30:00+08:00")

    response = api.client.get("/api/reports/suggestions?month=2026-12&format=csv",
                              headers={"Authorization": f"Bearer {api.mint('supervisor')}"}, buffered=False)
    assert response.status_code == 200 and response.is_streamed and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.response).decode())))
    assert [r["number"] for r in rows] == [t["number"] for t in december]
    assert rows[0]["what_we_did"] == "已采纳" and rows[1]["suggestion"] == "建议1"
    for bad in ("2026-13", "december", "2026-1-1"):
        answer = api.get(f"/api/reports/suggestions?month={bad}")
        assert answer.status_code == 400 and answer.get_json()["error"].startswith("month"), bad


def test_suggestion_calls_are_sampled_for_qa_more_often_than_routine_calls():
    sampling = load_qa_rules().data["review_sampling"]
    sids = [f"CA{n:032d}" for n in range(3000)]
    routine = sum(1 for sid in sids if review_reason(sid, [], 95, sampling, routed_category="inquiry"))
    suggested = [sid for sid in sids if review_reason(sid, [], 95, sampling, routed_category="suggestion")]
    heard = sum(1 for sid in sids if review_reason(sid, ["suggestion"], 95, sampling))
    assert 0.07 < routine / 3000 < 0.13 and 0.26 < len(suggested) / 3000 < 0.34 and heard == len(suggested)
    assert all(review_reason(sid, [], 95, sampling, routed_category="suggestion") == "random_sample"
               for sid in suggested)


def test_an_operator_s_older_sms_wording_without_the_suggestion_text_says_the_resolved_one(tmp_path):
    shipped = DEFAULT_TEMPLATES_PATH.read_text(encoding="utf-8")
    start = shipped.index("suggestion_done:")
    older = tmp_path / "sms.yaml"
    older.write_text(shipped[:start] + shipped[shipped.index("sla_alert:"):], encoding="utf-8")
    templates = load_templates(older)
    assert templates.render("suggestion_done", "zh-CN", company="热线", number="GD1", summary="已采纳") \
        == templates.render("resolved", "zh-CN", company="热线", number="GD1", summary="已采纳")
