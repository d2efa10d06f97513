"""Inbound SMS at /sms/incoming: the opt-out and opt-in keywords, the do-not-contact list and its
API, and replies handed to the area that owns the conversation."""
import pytest
from sqlalchemy import select

import messaging
from hotline import db
from messaging.models import SmsMessage
from tests.messaging import sms

CUSTOMER = "+8613800138001"


def text(twilio, body, from_=CUSTOMER):
    return sms.text(twilio, body, from_)


@pytest.mark.parametrize("keyword", ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "退订", "TD",
                                     "stop", "退订谢谢"])
def test_opt_out_keywords_put_the_number_on_the_list(app, twilio, keyword):
    text(twilio, keyword)
    with app.app_context():
        assert messaging.may_contact(CUSTOMER) is False
        assert messaging.may_contact("+8613800138999") is True


@pytest.mark.parametrize("keyword", ["START", "YES", "UNSTOP"])
def test_start_resubscribes(app, twilio, keyword):
    text(twilio, "STOP")
    text(twilio, keyword)
    with app.app_context():
        assert messaging.may_contact(CUSTOMER) is True


def test_start_from_a_number_not_on_the_list_changes_nothing(app, twilio):
    text(twilio, "START")
    with app.app_context():
        assert messaging.may_contact(CUSTOMER) is True


def test_agents_can_add_a_number_and_supervisors_remove_it(app, api):
    agent = api.mint("agent", agent_id=7)
    assert api.post("/api/do-not-contact", {"phone": CUSTOMER}, token=agent).status_code == 201
    assert api.post("/api/do-not-contact", {"phone": CUSTOMER}, token=agent).status_code == 200
    assert api.get(f"/api/do-not-contact/{CUSTOMER}", token=agent).get_json()["opted_out"] is True
    assert api.delete(f"/api/do-not-contact/{CUSTOMER}", token=agent).status_code == 403
    assert api.delete(f"/api/do-not-contact/{CUSTOMER}").status_code == 204
    assert api.delete(f"/api/do-not-contact/{CUSTOMER}").status_code == 404
    assert api.post("/api/do-not-contact", {"phone": "12345"}).status_code == 422


class Heard:
    """An area registered with messaging for replies and opt-outs, recording what it was told."""

    def __init__(self) -> None:
        self.replies: list[tuple[str, str]] = []
        self.opt_outs: list[tuple[str, str]] = []

    def on_reply(self, session, reply, replying_to):
        self.replies.append((reply.body, replying_to.purpose))

    def on_opt_out(self, session, phone, source):
        self.opt_outs.append((phone, source))


@pytest.fixture
def heard(app):
    heard = Heard()
    messaging.register(app, "listener", on_reply=heard.on_reply, on_opt_out=heard.on_opt_out)
    return heard


def send(app, purpose, area, to=CUSTOMER):
    with app.app_context():
        messaging.send_sms(purpose, to, "question?", area=area)
        db.session().commit()


def test_a_reply_goes_to_the_area_of_the_newest_message_that_takes_replies(app, twilio, heard):
    send(app, "asked", "listener")
    send(app, "notice", "tickets")  # newer, but tickets takes no replies
    text(twilio, "4")
    text(twilio, "5", from_="+8613800000000")  # we never texted this number
    assert heard.replies == [("4", "asked")]


def test_keywords_never_reach_the_area_as_replies(app, twilio, heard, api):
    send(app, "asked", "listener")
    text(twilio, "STOP")
    text(twilio, "3")  # opted out: nothing more is handled
    text(twilio, "START")
    text(twilio, "2")
    api.post("/api/do-not-contact", {"phone": CUSTOMER})
    assert heard.replies == [("2", "asked")]
    assert heard.opt_outs == [(CUSTOMER, "sms"), (CUSTOMER, "api")]


def test_twilio_repeating_an_inbound_message_is_handled_once(app, twilio, heard):
    send(app, "asked", "listener")
    form = {"MessageSid": "SM" + "5" * 32, "From": CUSTOMER, "To": "+15005550006", "Body": "1"}
    for _ in range(2):
        assert twilio.post("/sms/incoming", form).status_code == 200
    assert heard.replies == [("1", "asked")]
    with app.app_context():
        assert len(db.session().scalars(select(SmsMessage).where(SmsMessage.direction == "inbound")).all()) == 1
