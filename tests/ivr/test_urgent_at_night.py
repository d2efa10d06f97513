"""Urgent at night (issue 17, item 2): a caller who chooses Chinese, then 4 (urgent) after hours and
leaves a message gets an urgent ticket of the urgent category, and the on-call supervisor is paged
by SMS at once; other messages keep their category and priority too."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from hotline import db
from messaging.models import SmsMessage
from tests.ivr.conftest import HOLIDAY, NIGHT
from tickets.models import Ticket, TicketCall

SUPERVISOR = "+8613900000001"


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, supervisor_phone=SUPERVISOR)


def _ticket(app, sid: str) -> Ticket:
    with app.app_context():
        link = db.session().scalars(select(TicketCall).where(TicketCall.call_sid == sid)).one()
        ticket = link.ticket
        db.session().expunge_all()
        return ticket


def _pages(app) -> list[SmsMessage]:
    with app.app_context():
        return list(db.session().scalars(select(SmsMessage).where(SmsMessage.to_number == SUPERVISOR)
                                         .order_by(SmsMessage.id)))


@pytest.mark.parametrize("moment", [NIGHT, HOLIDAY])
@pytest.mark.parametrize("language,key", [("zh-CN", "1"), ("en-US", "2")])
def test_an_urgent_message_after_hours_files_an_urgent_ticket_and_pages_the_supervisor(app, clock, caller, moment,
                                                                                      language, key):
    clock.set(moment)
    call = caller()
    call.dial()
    call.press(key)
    twiml = call.press("4")  # urgent: account security, an outage
    assert twiml.verbs == ["Say", "Record", "Redirect"]
    call.leave_message("RE" + "b" * 32)
    ticket = _ticket(app, call.sid)
    assert (ticket.category, ticket.priority) == ("urgent", "urgent")
    assert ticket.callback_requested and ticket.channel == "voicemail"
    [page] = _pages(app)
    assert ticket.number in page.body and page.purpose == "sla_alert"
    assert "紧急留言" in page.body  # in the center's language (DEFAULT_LANGUAGE), whatever the caller's


def test_a_complaint_message_keeps_its_category_and_pages_nobody(app, clock, caller):
    clock.set(NIGHT)
    call = caller()
    call.dial()
    call.press("1")
    call.press("3")  # complaints
    call.leave_message("RE" + "c" * 32)
    ticket = _ticket(app, call.sid)
    assert ticket.category == "complaint" and ticket.priority == "normal"
    assert _pages(app) == []
