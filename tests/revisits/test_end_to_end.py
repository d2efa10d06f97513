"""Revisits end to end: real RQ workers place calls through the sandbox; the simulator plays the customer."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import run_burst
from sandbox import press
from sandbox.simulator import Simulator
from messaging.models import SmsMessage
from revisits.states import move
from tests.revisits.conftest import CUSTOMER

UTC = timezone.utc


class Revisiting:
    """The simulator on the app's clock, and the moves a test makes between calls."""

    def __init__(self, app, clock, revisits) -> None:
        self.app, self.clock, self.revisits = app, clock, revisits
        self.sim = Simulator(app)

    def at(self, moment: datetime) -> None:
        """Let virtual time reach `moment` (the simulator moves the app clock with it)."""
        self.sim.run(until=(moment - self.sim.start).total_seconds())
        self.clock.set(moment.astimezone(UTC))

    def make_due_attempts(self, revisit_id: int) -> None:
        """Go to the revisit's due time; the sweeper and a real worker make the attempt; play it out."""
        revisit = self.revisits.get(revisit_id)
        self.at(revisit.due_at + timedelta(minutes=2))  # later than RQ's scheduler would
        self.revisits.sweep()
        run_burst(self.app, ("outbound",))
        self.sim.run()
        run_burst(self.app, ("outbound",))  # follow-up SMS the call or reply queued

    def calls_to(self, number: str = CUSTOMER) -> list[dict]:
        return [c for c in self.sim.sandbox.calls if c["to"] == number]

    def texts_to(self, number: str = CUSTOMER, area: str | None = "revisits") -> list[dict]:
        """Texts to `number` that `area` asked for (None: every area's). The ticket's resolution
        notice leaves through the same outbox and queue as the revisit's texts."""
        with self.app.app_context():
            sids = set(db.session().scalars(select(SmsMessage.sid).where(SmsMessage.area == area))) if area else None
        return [m for m in self.sim.sandbox.messages if m["to"] == number and (sids is None or m["sid"] in sids)]


@pytest.fixture
def revisiting(app, clock, revisits):
    clock.set(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    return Revisiting(app, clock, revisits)


def test_answered_and_satisfied(revisiting, revisits):
    revisit = revisits.resolve()
    revisiting.sim.customer(CUSTOMER, answer="human", inputs=[press("1"), press("1"), press("5")])
    revisiting.make_due_attempts(revisit.id)
    after = revisits.get(revisit.id)
    assert (after.state, after.solved, after.score, after.channel, after.attempts) == ("completed", True, 5, "call", 1)
    [call] = revisiting.calls_to()
    assert call["machine_detection"] == "Enable"
    leg = revisiting.sim.find(call["sid"])
    assert leg.status == "completed" and leg.answered_by == "human"
    assert any(after.ticket_number in text for text in leg.said)
    assert any("感谢您的反馈" in text for text in leg.said)
    assert revisits.ticket(after.ticket_id).status == "closed"  # satisfied and solved closes the loop


def test_answered_and_not_solved_reopens_the_ticket(revisiting, revisits):
    revisit = revisits.resolve(category="complaint")
    revisiting.sim.customer(CUSTOMER, answer="human", inputs=[press("1"), press("2"), press("1")])
    revisiting.make_due_attempts(revisit.id)
    after = revisits.get(revisit.id)
    assert (after.state, after.solved, after.score, after.reopened) == ("completed", False, 1, True)
    leg = revisiting.sim.find(revisiting.calls_to()[0]["sid"])
    assert any("工作人员会尽快与您联系" in text for text in leg.said)
    ticket = revisits.ticket(after.ticket_id)
    assert (ticket.status, ticket.priority) == ("reopened", "urgent")
    assert any(e.kind == "revisit_not_solved" for e in ticket.events)


def test_an_english_customer_is_asked_in_english(revisiting, revisits):
    revisit = revisits.resolve(phone="+12125550123", language="en-US", timezone="Asia/Shanghai")
    revisiting.sim.customer("+12125550123", answer="human", inputs=[press("1"), press("1"), press("4")])
    revisiting.make_due_attempts(revisit.id)
    leg = revisiting.sim.find(revisiting.calls_to("+12125550123")[0]["sid"])
    assert any("Was your issue solved?" in text for text in leg.said)
    assert revisits.get(revisit.id).score == 4


def test_a_wrong_key_is_asked_again_on_the_phone(revisiting, revisits):
    revisit = revisits.resolve()
    revisiting.sim.customer(CUSTOMER, answer="human", inputs=[press("1"), press("7"), press("1"), press("9"), press("3")])
    revisiting.make_due_attempts(revisit.id)
    after = revisits.get(revisit.id)
    assert (after.solved, after.score) == (True, 3)
    leg = revisiting.sim.find(revisiting.calls_to()[0]["sid"])
    assert sum("输入有误" in text for text in leg.said) == 2


def test_machine_three_times_then_the_sms_survey(revisiting, revisits, settings):
    revisit = revisits.resolve()
    revisiting.sim.customer(CUSTOMER, answer="machine")
    for attempt in range(1, settings.revisit_attempts + 1):
        revisiting.make_due_attempts(revisit.id)
        assert len(revisiting.calls_to()) == attempt
    after = revisits.get(revisit.id)
    assert [a.outcome for a in after.attempt_log] == ["machine", "machine", "machine", "sent"]
    gaps = [b.placed_at - a.placed_at for a, b in zip(after.attempt_log, after.attempt_log[1:3])]
    assert all(gap >= timedelta(minutes=settings.revisit_retry_minutes) for gap in gaps)
    [survey] = revisiting.texts_to()
    assert after.state == "sms_sent" and after.ticket_number in survey["body"] and "1-5分" in survey["body"] and "满意" in survey["body"]
    revisiting.sim.sms(CUSTOMER, "5")
    revisiting.sim.run()
    run_burst(revisiting.app, ("outbound",))
    after = revisits.get(revisit.id)
    assert (after.state, after.channel, after.score) == ("completed", "sms", 5)
    assert "感谢您的反馈" in revisiting.texts_to()[-1]["body"]


@pytest.mark.parametrize("reply, solved, score", [("5", None, 5), ("５", None, 5), ("五分", None, 5),
                                                  ("是，4分", True, 4), ("yes 3", True, 3), ("否", False, None),
                                                  ("No", False, None)])
def test_sms_replies_in_each_accepted_form(app, revisiting, revisits, reply, solved, score):
    revisit = revisits.resolve()
    with app.app_context():  # every call went unanswered: the SMS survey is next
        move(db.session(), revisit.id, ("scheduled",), attempts=revisit.call_attempts)
    revisiting.make_due_attempts(revisit.id)
    assert len(revisiting.texts_to()) == 1
    revisiting.sim.sms(CUSTOMER, reply)
    revisiting.sim.run()
    run_burst(app, ("outbound",))
    after = revisits.get(revisit.id)
    assert (after.state, after.solved, after.score) == ("completed", solved, score)
    # Satisfied (4-5) and solved closes the ticket; a score alone, or a lesser one, leaves it resolved.
    closes = solved is True and score is not None and score >= 4
    assert revisits.ticket(after.ticket_id).status == ("reopened" if solved is False else
                                                       "closed" if closes else "resolved")
    assert len(revisiting.texts_to()) == 2  # the survey and one answer (thanks or "someone will contact you")


def test_stop_then_nothing_is_sent(app, revisiting, revisits):
    revisit = revisits.resolve()
    revisiting.sim.sms(CUSTOMER, "STOP")
    revisiting.sim.run()
    revisiting.make_due_attempts(revisit.id)
    run_burst(app)  # every queue, the tickets area's notices included
    assert revisiting.calls_to() == [] and revisiting.texts_to(area=None) == []
    assert revisits.get(revisit.id).state == "opted_out"


def test_chinese_opt_out_after_a_missed_call_stops_the_retries(app, revisiting, revisits):
    revisit = revisits.resolve()
    revisiting.sim.customer(CUSTOMER, answer="no-answer")
    revisiting.make_due_attempts(revisit.id)
    assert len(revisiting.calls_to()) == 1
    revisiting.sim.sms(CUSTOMER, "退订")
    revisiting.sim.run()
    after = revisits.get(revisit.id)
    assert after.state == "opted_out"
    revisiting.at(after.updated_at + timedelta(hours=3))
    revisits.sweep()
    run_burst(app)
    assert len(revisiting.calls_to()) == 1 and revisiting.texts_to() == []


@pytest.mark.parametrize("zone, resolved_local, night_local, morning_local", [
    ("Asia/Shanghai", (2026, 11, 24, 19, 30), (2026, 11, 24, 23, 0), (2026, 11, 25, 9, 0)),
    ("America/New_York", (2026, 11, 24, 19, 30), (2026, 11, 25, 2, 0), (2026, 11, 25, 9, 0)),
])
def test_calling_hours_boundaries_in_two_time_zones(app, clock, revisits, zone, resolved_local, night_local,
                                                     morning_local):
    from zoneinfo import ZoneInfo

    local = ZoneInfo(zone)
    clock.set(datetime(*resolved_local, tzinfo=local).astimezone(UTC))
    revisit = revisits.resolve(timezone=zone, language="en-US" if zone.startswith("America") else "zh-CN")
    revisiting = Revisiting(app, clock, revisits)
    revisiting.at(datetime(*night_local, tzinfo=local).astimezone(UTC))
    revisits.sweep()
    run_burst(app, ("outbound",))
    assert revisiting.sim.sandbox.calls == []  # never at night
    revisiting.at(datetime(*morning_local, tzinfo=local).astimezone(UTC) - timedelta(minutes=1))
    revisits.sweep()
    run_burst(app, ("outbound",))
    assert revisiting.sim.sandbox.calls == []  # 08:59
    revisiting.at(datetime(*morning_local, tzinfo=local).astimezone(UTC) + timedelta(minutes=2))
    revisits.sweep()
    run_burst(app, ("outbound",))
    [call] = revisiting.sim.sandbox.calls
    assert revisits.get(revisit.id).due_at == datetime(*morning_local, tzinfo=local).astimezone(UTC)


def test_twilio_429_is_retried_with_backoff_and_dials_once(app, revisiting, revisits):
    revisit = revisits.resolve()
    revisiting.sim.customer(CUSTOMER, answer="human", inputs=[press("1"), press("1"), press("5")])
    revisiting.sim.sandbox.fail_next(status=429, code=20429, count=1, path_contains="Calls")
    revisiting.make_due_attempts(revisit.id)
    after = revisits.get(revisit.id)
    assert (after.state, after.attempts) == ("scheduled", 0)  # the claim was given back
    revisiting.at(revisiting.clock.now() + timedelta(minutes=2))  # RQ's retry is due (5 s backoff)
    revisits.sweep()
    run_burst(app, ("outbound",))
    revisiting.sim.run()
    assert len(revisiting.calls_to()) == 1
    assert revisits.get(revisit.id).state == "completed"
