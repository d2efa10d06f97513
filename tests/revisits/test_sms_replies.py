"""Inbound SMS at /sms/incoming that messaging hands to revisits: survey answers in every accepted
form, clarification, and opt-outs stopping open revisits (the keywords themselves:
tests/messaging/test_inbound.py)."""
import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import get_queue
from messaging.models import SmsMessage
from revisits.texts import purpose_of
from tests.messaging import sms
from tests.revisits.conftest import CUSTOMER


def text(twilio, body, from_=CUSTOMER):
    return sms.text(twilio, body, from_)


def follow_up(app, revisit, entry):
    """The follow-up text stored in the outbox, with its delivery job queued; None if none was asked."""
    with app.app_context():
        message = db.session().scalars(select(SmsMessage).where(SmsMessage.purpose == purpose_of(revisit.id, entry))).first()
        if message is None:
            return None
        assert message.status == "pending" and f"sms-{message.id}" in get_queue("outbound").job_ids
        return message


@pytest.mark.parametrize("body, solved, score", [
    ("5", None, 5), ("５", None, 5), ("五", None, 5), ("4分", None, 4), ("是，5分", True, 5), ("yes 4", True, 4),
    ("一般", None, 3), ("已解决，满意", True, 4), ("不满意", None, 2), ("非常满意", None, 5), ("yes, satisfied", True, 4),
])
def test_a_score_in_any_form_completes_the_survey(app, twilio, surveyed, revisits, body, solved, score):
    text(twilio, body)
    revisit = revisits.get(surveyed.id)
    assert (revisit.state, revisit.channel, revisit.solved, revisit.score) == ("completed", "sms", solved, score)
    assert follow_up(app, revisit, "sms_thanks") is not None


@pytest.mark.parametrize("body", ["否", "no", "NO", "没解决"])
def test_not_solved_reopens_the_ticket(app, twilio, surveyed, revisits, body):
    text(twilio, body)
    revisit = revisits.get(surveyed.id)
    assert (revisit.state, revisit.solved, revisit.reopened) == ("completed", False, True)
    ticket = revisits.ticket(revisit.ticket_id)
    assert (ticket.status, ticket.priority) == ("reopened", "urgent")
    assert [e.kind for e in ticket.events].count("revisit_not_solved") == 1
    assert follow_up(app, revisit, "sms_reopened") is not None


@pytest.mark.parametrize("body, entry", [("是", "sms_ask_score"), ("yes", "sms_ask_score"),
                                         ("hello?", "sms_clarify"), ("一直在等", "sms_clarify")])
def test_one_question_back_then_the_answer(app, twilio, surveyed, revisits, body, entry):
    text(twilio, body)
    revisit = revisits.get(surveyed.id)
    assert revisit.state == "sms_sent" and revisit.clarified
    assert follow_up(app, revisit, entry) is not None
    text(twilio, "what?")  # a second unclear reply gets no second question
    assert follow_up(app, revisit, "sms_clarify" if entry == "sms_ask_score" else "sms_ask_score") is None
    text(twilio, "3")
    assert revisits.get(surveyed.id).score == 3


@pytest.mark.parametrize("keyword", ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "退订", "TD"])
def test_opt_out_keywords_stop_every_open_revisit_at_once(app, twilio, revisits, keyword):
    open_one = revisits.resolve()
    text(twilio, keyword)
    assert revisits.get(open_one.id).state == "opted_out"


def test_a_reply_from_another_number_touches_no_survey(twilio, surveyed, revisits):
    text(twilio, "1", from_="+8613800000000")
    assert revisits.get(surveyed.id).state == "sms_sent"


def test_twilio_repeating_an_inbound_message_is_handled_once(app, twilio, surveyed, revisits):
    form = {"MessageSid": "SM" + "5" * 32, "From": CUSTOMER, "To": "+15005550006", "Body": "否"}
    for _ in range(2):
        assert twilio.post("/sms/incoming", form).status_code == 200
    events = [e.kind for e in revisits.ticket(surveyed.ticket_id).events]
    assert events.count("revisit_not_solved") == 1 and events.count("status") == 3  # in_progress, resolved, reopened


def test_an_agent_adding_the_number_stops_its_open_revisits(app, api, revisits):
    open_one = revisits.resolve()
    agent = api.mint("agent", agent_id=7)
    assert api.post("/api/do-not-contact", {"phone": CUSTOMER}, token=agent).status_code == 201
    assert revisits.get(open_one.id).state == "opted_out"


def test_a_customer_who_reopens_before_the_revisit_is_not_asked(app, revisits):
    from tickets import cases
    from tickets.models import Ticket

    revisit = revisits.resolve()
    with app.app_context():
        session = db.session()
        cases.move_status(session, session.get(Ticket, revisit.ticket_id), "reopened", "agent:7")
        session.commit()
    after = revisits.get(revisit.id)
    assert (after.state, after.last_outcome) == ("cancelled", "ticket-reopened")
