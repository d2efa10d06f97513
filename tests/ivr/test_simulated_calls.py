"""End to end with the call simulator: Twilio's side of each call follows our TwiML on a virtual
clock (timeouts are real silences, Redirects after Gathers are followed, recordings are made)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from hotline.contracts import AgentsOnShift, provide
from sandbox import press, record, say, silence
from sandbox.simulator import Simulator
from routing.offers import twilio_queue_name
from tests.ivr.conftest import NIGHT, ivr_steps


def finished(simulator, call) -> None:
    simulator.run()
    assert simulator.errors == [], simulator.timeline_text()
    assert call.status == "completed" or call.queue is not None, call.timeline_text()


@pytest.mark.parametrize("inputs,queue", [
    ([press("1"), press("3")], "complaint"),
    ([press("1"), say("我的账户被盗了")], "urgent"),
    ([press("2"), say("I'd like to talk to an agent")], "inquiry"),
    ([press("2"), press("5"), press("2")], "aftersales"),
])
def test_callers_reach_their_queue(app, simulator, inputs, queue):
    call = simulator.call(from_="+8613800138101", to="+861095555", inputs=inputs, hangup_after=120)
    simulator.run_until(lambda: call.queue is not None, limit=300)
    assert call.queue == twilio_queue_name(queue), call.timeline_text()
    assert any("客户服务" in text for text in call.said)
    assert simulator.errors == []


def test_wrong_keys_and_silence_end_with_a_person_not_a_hang_up(app, simulator):
    call = simulator.call(from_="+8613800138102", to="+861095555",
                          inputs=[press("2"), press("9"), silence(), press("7")], hangup_after=200)
    simulator.run_until(lambda: call.queue is not None, limit=300)
    assert call.queue == twilio_queue_name("inquiry")
    assert sum(text.startswith("Sorry") for text in call.said) == 2
    assert simulator.errors == []


def test_silence_from_the_first_word_still_reaches_a_person(app, simulator):
    call = simulator.call(from_="+8613800138103", to="+861095555", inputs=[], hangup_after=200)
    simulator.run_until(lambda: call.queue is not None, limit=300)
    assert call.queue == twilio_queue_name("inquiry") and call.status == "in-progress"


def test_ticket_status_heard_then_goodbye(app, simulator, ticket_book):
    # Calling from another phone: the last four digits of the number on file (…5678) open the status.
    call = simulator.call(from_="+8613800138104", to="+861095555",
                          inputs=[press("2"), press("5"), press("1"), press("20261123007#"), press("5678")],
                          hangup_after=300)
    finished(simulator, call)
    assert call.status == "completed"
    assert any("is being worked on" in text for text in call.said)
    assert call.said[-1] == "Thank you for calling, and have a nice day!"
    assert ivr_steps(app, call.sid)[-1]["result"] == "served"


def test_after_hours_message_becomes_a_ticket(app, clock):
    clock.set(NIGHT)
    simulator = Simulator(app)
    call = simulator.call(from_="+8613800138105", to="+861095555",
                          inputs=[press("1"), press("2"), record(8, digits="#")], hangup_after=300)
    finished(simulator, call)
    assert any("现在是非工作时间" in text for text in call.said)
    assert any("您的留言已收到" in text for text in call.said)
    assert len(call.recordings) == 1
    steps = ivr_steps(app, call.sid)
    assert steps[-1]["result"] == "voicemail" and steps[-1]["category"] == "problem"
    from sqlalchemy import select

    from hotline import db
    from tickets.models import Ticket

    with app.app_context():
        tickets = db.session().scalars(select(Ticket)).all()
    assert len(tickets) == 1, "tickets turns the message into a case with a callback request"


def test_after_hours_with_night_agents_goes_to_the_night_queue(app, clock):
    clock.set(NIGHT)
    provide(app, AgentsOnShift, SimpleNamespace(agents_on_shift=lambda skill, language: 1 if skill == "night" else 0),
            replace=True)
    simulator = Simulator(app)
    call = simulator.call(from_="+8613800138106", to="+861095555", inputs=[press("2"), press("4")],
                          hangup_after=120)
    simulator.run_until(lambda: call.queue is not None, limit=300)
    assert call.queue == twilio_queue_name("night")
    assert simulator.errors == []
