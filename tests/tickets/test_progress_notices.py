"""期间如有进展会主动联系您: the customer hears of progress between the ticket's creation and its
resolution, when the manuals call it progress: handed to a department, the specialist group's plan.
(The hand-off's notice is tested with the departments, tests/tickets/test_departments.py.)"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import run_burst
from messaging.models import SmsMessage


def progress_texts(app) -> list[SmsMessage]:
    with app.app_context():
        return list(db.session().scalars(select(SmsMessage).where(SmsMessage.purpose == "ticket_progress")
                                         .order_by(SmsMessage.id)))


@pytest.mark.parametrize("language, words", [("zh-CN", "已有处理方案：上门检修"), ("en-US", "there is a plan for your case")])
def test_the_specialist_groups_plan_is_texted_to_the_customer_once(app, api, simulator, language, words):
    created = api.post("/api/tickets", {"phone": "13800138000", "category": "complaint", "language": language})
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["number"]
    assert progress_texts(app) == []  # opening and escalating are not news for the customer
    assert api.post(f"/api/tickets/{number}/escalate", {}).status_code == 200
    assert progress_texts(app) == []
    assert api.post(f"/api/tickets/{number}/plan", {"text": "上门检修"}).status_code == 200
    api.post(f"/api/tickets/{number}/plan", {"text": "again"})  # refused: the plan is recorded once
    [text] = progress_texts(app)
    assert text.to_number == "+8613800138000" and number in text.body and words in text.body
    run_burst(app, ("outbound",))
    assert [m["body"] for m in simulator.sandbox.messages if m["to"] == "+8613800138000"
            and number in m["body"] and words in m["body"]] == [text.body]
