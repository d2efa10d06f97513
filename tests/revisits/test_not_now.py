"""现在方便吗: the revisit asks whether now is a good time, and "not now" calls again later.

Webhooks signed like Twilio's; the end-to-end case has a real RQ worker dial through the sandbox
with the simulator as the customer.
"""
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from hotline import db
from hotline.jobs import get_queue, run_burst
from sandbox import press
from tests.revisits.conftest import CUSTOMER
from tests.revisits.test_end_to_end import Revisiting
from tests.revisits.test_voice import CALL, answer, params
from tests.support.twiml import path_and_query, twiml

UTC = timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def at_ten(clock):
    clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI).astimezone(UTC))  # a Tuesday
    return clock


def with_contact_time(app, phone: str, contact_time: str | None) -> None:
    from tickets.models import Customer

    with app.app_context():
        session = db.session()
        customer = session.query(Customer).filter_by(phone=phone).one()
        customer.contact_time = contact_time
        session.commit()


def calling(revisits, **resolve):
    revisit = revisits.resolve(**resolve)
    revisits.claim_call(revisit, CALL)
    return revisits.get(revisit.id)


def not_now(twilio, revisit):
    doc = answer(twilio, revisit)
    return twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits="2")))


def said(doc) -> str:
    return " ".join(s.text for s in doc.iter("Say"))


def test_not_now_ends_the_call_with_the_next_calls_time_and_keeps_it_on_revisit_and_ticket(
        app, twilio, revisits, at_ten):
    revisit = calling(revisits)
    doc = not_now(twilio, revisit)
    after = revisits.get(revisit.id)
    # Two hours on at the earliest, inside calling hours and the 24 hours.
    assert after.due_at == datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)
    assert "我们将在11月24日12点再与您联系" in said(doc) and doc.find("Hangup") is not None
    assert (after.state, after.attempts, after.last_outcome) == ("scheduled", 1, "not-convenient")
    assert after.call_attempts == 4  # the call that found a bad moment does not use up a planned one
    assert after.attempt_log[0].outcome == "not-convenient"
    with app.app_context():
        assert f"revisit-{after.ticket_id}-2" in get_queue("outbound").scheduled_job_registry.get_job_ids()
    events = [e for e in revisits.ticket(after.ticket_id).events if e.kind == "revisit_rescheduled"]
    assert [(e.data["channel"], e.data["due_at"]) for e in events] == [("call", after.due_at.isoformat())]

    # Twilio repeats the request, then reports the call's end: the same goodbye, nothing moves again.
    again = twiml(twilio.post(path_and_query(answer_action(revisit)), params(Digits="2")))
    assert "我们将在11月24日12点再与您联系" in said(again)
    assert twilio.post(f"/revisits/voice/status?revisit={revisit.id}&attempt=1",
                       params(CallStatus="completed")).status_code == 204
    final = revisits.get(revisit.id)
    assert (final.state, final.attempts, final.due_at, final.attempt_log[0].outcome) == (
        "scheduled", 1, after.due_at, "not-convenient")
    assert final.attempt_log[0].ended_at is not None
    assert sum(e.kind == "revisit_rescheduled" for e in revisits.ticket(after.ticket_id).events) == 1


def answer_action(revisit) -> str:
    return f"/revisits/voice/convenient?revisit={revisit.id}&attempt=1&tries=0"


@pytest.mark.parametrize("contact_time, local_due", [
    ("18:00-20:00", datetime(2026, 11, 24, 18, 0)),
    ("晚上", datetime(2026, 11, 24, 18, 0)),
    ("上午", datetime(2026, 11, 25, 9, 0)),  # this morning is over by noon: tomorrow's, inside the 24 hours
    ("9点-10点", datetime(2026, 11, 25, 9, 0)),
    ("随便", datetime(2026, 11, 24, 12, 0)),  # nothing to read: the next calling time
    ("周末", datetime(2026, 11, 24, 12, 0)),  # no weekend inside the 24 hours: the next calling time
])
def test_the_next_call_falls_in_the_customers_preferred_contact_time(app, twilio, revisits, at_ten,
                                                                     contact_time, local_due):
    revisit = revisits.resolve()
    with_contact_time(app, CUSTOMER, contact_time)
    revisits.claim_call(revisit, CALL)
    not_now(twilio, revisit)
    after = revisits.get(revisit.id)
    assert after.due_at == local_due.replace(tzinfo=SHANGHAI)
    assert after.due_at < after.deadline_at


def test_an_english_customer_is_asked_and_told_in_english(twilio, revisits, at_ten):
    revisit = calling(revisits, phone="+12125550123", language="en-US", timezone="America/New_York")
    doc = answer(twilio, revisit)
    assert "Is now a good time?" in doc.find(".//Gather/Say").text
    doc = twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits="2")))
    due = revisits.get(revisit.id).due_at.astimezone(ZoneInfo("America/New_York"))
    assert f"We will call you again on November {due.day} at" in said(doc)
    assert doc.find(".//Say").get("language") == "en-US"


@pytest.mark.parametrize("digits", ["3", "9", "*"])
def test_a_wrong_key_to_is_now_a_good_time_is_asked_again_never_hung_up(twilio, revisits, at_ten, digits):
    revisit = calling(revisits)
    doc = answer(twilio, revisit)
    doc = twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits=digits)))
    assert doc.find("Hangup") is None and "输入有误" in said(doc)
    assert "现在方便吗" in doc.find(".//Gather/Say").text
    for _ in range(2):  # three wrong keys: an agent, as for every question of the call
        doc = twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits=digits)))
        assert doc.find("Hangup") is None
    assert urlsplit(doc.find("Redirect").text).path == "/voice/route"
    after = revisits.get(revisit.id)
    assert after.last_outcome != "not-convenient" and after.transferred


def test_a_third_not_now_gets_the_sms_survey_instead(app, revisits, at_ten):
    revisit = revisits.resolve()
    revisiting = Revisiting(app, revisits.clock, revisits)
    revisiting.sim.customer(CUSTOMER, answer="human", inputs=[press("2")])
    for call in range(1, 4):
        revisiting.make_due_attempts(revisit.id)
        assert len(revisiting.calls_to()) == call
    after = revisits.get(revisit.id)
    assert [a.outcome for a in after.attempt_log] == ["not-convenient"] * 3 + ["sent"]
    last = revisiting.sim.find(revisiting.calls_to()[-1]["sid"])
    assert any("发送一条回访短信" in text for text in last.said)
    [survey] = revisiting.texts_to()
    assert after.state == "sms_sent" and "1-5分" in survey["body"]
    channels = [e.data["channel"] for e in revisits.ticket(after.ticket_id).events if e.kind == "revisit_rescheduled"]
    assert channels == ["call", "call", "sms"]


def test_not_now_then_a_later_call_completes_the_survey(app, revisits, at_ten):
    """End to end: a real worker dials, the customer presses 2; the worker dials again at the new time
    (not before), the customer presses 1, 1, 5, and the ticket closes."""
    revisit = revisits.resolve()
    revisiting = Revisiting(app, revisits.clock, revisits)
    revisiting.sim.customer(CUSTOMER, answer="human", inputs=[press("2")])
    revisiting.make_due_attempts(revisit.id)
    first = revisits.get(revisit.id)
    assert (first.state, first.last_outcome) == ("scheduled", "not-convenient")
    leg = revisiting.sim.find(revisiting.calls_to()[0]["sid"])
    assert any("现在方便吗" in text for text in leg.said) and not any("已解决请按1" in text for text in leg.said)
    revisiting.at(first.due_at - timedelta(minutes=5))
    revisits.sweep()
    run_burst(app, ("outbound",))
    assert len(revisiting.calls_to()) == 1  # not before the time the customer was told
    revisiting.sim.customer(CUSTOMER, answer="human", inputs=[press("1"), press("1"), press("5")])
    revisiting.make_due_attempts(revisit.id)
    after = revisits.get(revisit.id)
    assert (after.state, after.solved, after.score, after.attempts) == ("completed", True, 5, 2)
    second = revisiting.calls_to()[1]
    assert revisiting.sim.find(second["sid"]).status == "completed"
    assert revisits.ticket(after.ticket_id).status == "closed"
