"""Only a ticket's owner hears its status: from the number on file, or with its last four digits.
Wrong tries are limited per calling number, and a stranger's call never lands on the ticket."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline import db
from hotline.contracts import CallAnswered, publish
from ivr.ticket_guesses import WRONG_GUESSES_ALLOWED
from tests.ivr.conftest import OWNER, ivr_steps
from tests.ivr.test_ticket_status import to_ticket_entry
from hotline.contracts import TicketStatusBook, need

STRANGER = "+8613700000001"
ASK_FOUR = {"zh-CN": "请输入该工单登记的电话号码的后四位", "en-US": "last four digits of the phone number on this ticket"}
WRONG = {"zh-CN": "号码不符", "en-US": "those digits do not match"}
TOO_MANY = {"zh-CN": "查询次数过多", "en-US": "too many attempts"}


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_a_caller_from_another_number_is_asked_for_the_last_four_digits(app, caller, ticket_book, language):
    call = caller(STRANGER)
    to_ticket_entry(call, language)
    twiml = call.press("20261123007")
    assert ASK_FOUR[language] in twiml.said()
    assert "正在处理中" not in twiml.said() and "being worked on" not in twiml.said()
    gather = twiml.gather
    assert gather.get("numDigits") == "4" and gather.get("action").startswith("/voice/ivr/ticket/confirm?")
    assert twiml.redirect() == gather.get("action")  # silence is handled too
    assert ivr_steps(app, call.sid)[-1]["result"] == "ticket-confirm-asked"


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_the_right_last_four_digits_open_the_status(app, caller, ticket_book, language, announced):
    call = caller(STRANGER)
    to_ticket_entry(call, language)
    call.press("20261123007")
    twiml = call.press("5678")
    assert ("正在处理中" if language == "zh-CN" else "being worked on") in twiml.said()
    step = ivr_steps(app, call.sid)[-1]
    assert step["result"] == "ticket-found" and step["input"] == "****"  # no digits of a number kept
    call.press("0")  # the confirmed owner may talk to someone about the ticket
    assert announced.routed[0]["ticket_number"] == "GD20261123007"


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_wrong_digits_are_asked_again_then_a_person_without_the_ticket(app, caller, ticket_book, language,
                                                                       announced):
    call = caller(STRANGER)
    to_ticket_entry(call, language)
    call.press("20261123007")
    for _ in range(2):
        twiml = call.press("1234")
        assert WRONG[language] in twiml.said() and ASK_FOUR[language] in twiml.said()
        assert "正在处理中" not in twiml.said() and "being worked on" not in twiml.said()
    twiml = call.press("4321")
    assert twiml.redirect_query()["queue"] == "aftersales"
    assert announced.routed[0]["ticket_number"] is None
    assert [s["input"] for s in ivr_steps(app, call.sid) if s["node"] == "ticket_confirm"][:3] == ["****"] * 3


def test_the_owner_calling_from_the_number_on_file_hears_it_at_once(caller, ticket_book):
    call = caller(OWNER)
    to_ticket_entry(call, "zh-CN")
    assert "正在处理中" in call.press("20261123007").said()


def test_wrong_tries_are_limited_per_calling_number_across_calls(app, caller, ticket_book, announced):
    assert WRONG_GUESSES_ALLOWED == 5
    first = caller(STRANGER)
    to_ticket_entry(first, "zh-CN")
    first.press("20261123999")  # 1: no such ticket
    first.press("20261123998")  # 2
    first.press("20261123007")
    assert WRONG["zh-CN"] in first.press("0000").said()  # 3: wrong digits; the caller hangs up
    second = caller(STRANGER)
    to_ticket_entry(second, "zh-CN")
    second.press("20261123007")
    assert WRONG["zh-CN"] in second.press("1111").said()  # 4
    twiml = second.press("2222")  # 5: the last try gone, a person at once
    assert TOO_MANY["zh-CN"] in twiml.said() and twiml.redirect_query()["queue"] == "aftersales"
    third = caller(STRANGER)
    third.dial()  # a known caller now (the last call was filed): greeted in Chinese, straight to the menu
    third.press("5")
    third.press("1")
    looked_up = len(ticket_book.lookups)
    twiml = third.press("20261123007")  # even the right ticket number is not looked up now
    assert TOO_MANY["zh-CN"] in twiml.said() and "正在处理中" not in twiml.said()
    assert twiml.redirect_query()["queue"] == "aftersales" and len(ticket_book.lookups) == looked_up
    assert all(r["ticket_number"] is None for r in announced.routed)
    # Another number is not held to the stranger's count.
    other = caller(OWNER)
    to_ticket_entry(other, "zh-CN")
    assert "正在处理中" in other.press("20261123007").said()


def test_a_strangers_call_is_never_filed_on_the_ticket_nor_its_first_response(app, api, caller):
    """With the tickets area's own provider: the victim's ticket, a stranger who knows its number."""
    victim = api.post("/api/tickets", {"phone": "13912345678", "category": "problem", "notify": False})
    number = victim.get_json()["number"]
    call = caller(STRANGER)
    to_ticket_entry(call, "zh-CN")
    assert ASK_FOUR["zh-CN"] in call.press(number[2:]).said()
    for digits in ("0000", "1111", "2222"):
        twiml = call.press(digits)
    assert twiml.redirect_query()["queue"] == "aftersales"
    with app.app_context():
        publish(CallAnswered(call.sid, 7))
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert [c["call_sid"] for c in ticket["calls"]] == []
    assert ticket["first_response_at"] is None
    # The stranger's call is on a ticket of the stranger's own.
    from tickets.models import TicketCall

    with app.app_context():
        link = db.session().scalars(select(TicketCall).where(TicketCall.call_sid == call.sid)).one()
        assert link.ticket.number != number and link.ticket.customer.phone == STRANGER


def test_the_tickets_provider_knows_the_owner_in_any_common_form(app, api):
    owned = api.post("/api/tickets", {"phone": "13912345678", "category": "problem", "notify": False})
    number = owned.get_json()["number"]
    provider = need(TicketStatusBook, app)
    with app.app_context():
        assert provider.is_owner(number, "+8613912345678") and provider.is_owner(number, "13912345678")
        assert not provider.is_owner(number, STRANGER) and not provider.is_owner(number, "anonymous")
        assert not provider.is_owner("GD20991231001", "+8613912345678")
        assert provider.confirms_owner(number, "5678") and provider.confirms_owner(number.lower(), "5678")
        for wrong in ("1234", "678", "45678", "５６７８", ""):
            assert not provider.confirms_owner(number, wrong), wrong
        assert not provider.confirms_owner("GD20991231001", "5678")


def test_without_redis_to_count_nobody_may_guess(settings, clock):
    """Fail closed: a count that cannot be read or written refuses the status, never allows it."""
    import dataclasses

    from hotline import create_app
    from ivr.ticket_guesses import count_wrong_guess, may_guess

    app = create_app(dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0"), clock=clock)
    with app.app_context():
        assert may_guess(OWNER) is False
        assert count_wrong_guess(OWNER) is False
    app.extensions["hotline.db"].engine.dispose()


def test_the_count_is_kept_under_a_hash_not_the_callers_number(app, caller, ticket_book):
    from hotline.redis_client import get_redis

    call = caller(STRANGER)
    to_ticket_entry(call, "zh-CN")
    call.press("20261123999")
    with app.app_context():
        keys = [k.decode() for k in get_redis().keys("ivr:ticket-guesses:*")]
        assert len(keys) == 1 and STRANGER[1:] not in keys[0] and STRANGER[-8:] not in keys[0]
        assert 0 < get_redis().ttl(keys[0]) <= 3600
