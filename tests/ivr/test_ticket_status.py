"""Ticket status self-service: digits after GD and #, the status in the caller's language, 0 to
talk to someone about that ticket, unknown numbers asked again twice at most."""
from __future__ import annotations

import pytest

from tests.ivr.conftest import OWNER, ivr_steps

LANGUAGE_KEYS = {"zh-CN": "1", "en-US": "2"}


def to_ticket_entry(call, language: str):
    call.dial()
    call.press(LANGUAGE_KEYS[language])
    call.press("5")
    return call.press("1")


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_ticket_entry_asks_for_the_digits_after_gd(caller, ticket_book, language):
    twiml = to_ticket_entry(caller(OWNER), language)
    gather = twiml.gather
    assert gather.get("input") == "dtmf" and gather.get("finishOnKey") == "#"
    assert gather.get("action").startswith("/voice/ivr/ticket?")
    assert ("工单号GD后面的数字" if language == "zh-CN" else "digits of your ticket number after G D") in twiml.said()
    assert twiml.redirect() == gather.get("action")


def test_status_is_read_in_chinese(app, caller, ticket_book):
    call = caller(OWNER)
    to_ticket_entry(call, "zh-CN")
    twiml = call.press("20261123007")
    said = twiml.said()
    assert "工单G D 2 0 2 6 1 1 2 3 0 0 7的当前状态是：正在处理中。" in said
    assert "预计处理完成时间：11月25日14点30分。" in said
    assert "最近一次更新在11月24日9点15分：技术部门已完成检测" in said
    assert "如需就此工单联系客服，请按0" in said
    assert all(s.get("voice") == "Polly.Zhiyu" for s in twiml.says())
    assert ticket_book.lookups == [("GD20261123007", "zh-CN")]
    assert ivr_steps(app, call.sid)[-1] == {"node": "ticket_entry", "input": "20261123007", "via": "dtmf",
                                            "result": "ticket-found", "ticket_number": "GD20261123007"}


def test_status_is_read_in_english(caller, ticket_book):
    call = caller(OWNER)
    to_ticket_entry(call, "en-US")
    said = call.press("20261123007").said()
    assert "Ticket G D 2 0 2 6 1 1 2 3 0 0 7 is being worked on." in said
    assert "We promised an answer by November 25 at 2:30 PM." in said
    assert "Last update November 24 at 9:15 AM: our engineers finished the check" in said


def test_zero_after_the_status_reaches_aftersales_with_the_ticket(app, caller, ticket_book, announced):
    call = caller(OWNER)
    to_ticket_entry(call, "zh-CN")
    call.press("20261123007")
    twiml = call.press("0")
    assert twiml.redirect_query() == {"queue": "aftersales", "priority": "3", "lang": "zh-CN"}
    assert announced.routed == [{"call_sid": call.sid, "category": "aftersales", "priority": 3,
                                 "language": "zh-CN", "ticket_number": "GD20261123007"}]


def test_asking_for_a_person_by_voice_after_the_status(caller, ticket_book, announced):
    call = caller(OWNER)
    to_ticket_entry(call, "en-US")
    call.press("20261123007")
    call.say("I'd like to talk to an agent")
    assert announced.routed[0]["ticket_number"] == "GD20261123007"


def test_star_repeats_the_status_and_hash_goes_back_to_aftersales(caller, ticket_book):
    call = caller(OWNER)
    to_ticket_entry(call, "zh-CN")
    heard = call.press("20261123007")
    assert call.press("*").said() == heard.said()
    back = call.press("#")
    assert "node=aftersales" in back.gather.get("action") and "查询工单处理进度请按1" in back.said()


def test_silence_after_the_status_is_a_polite_goodbye_served_by_the_ivr(app, caller, ticket_book):
    call = caller(OWNER)
    to_ticket_entry(call, "zh-CN")
    call.press("20261123007")
    twiml = call.stay_silent()
    assert twiml.verbs == ["Say", "Hangup"]
    assert "感谢您的来电，祝您生活愉快！" in twiml.said()
    assert ivr_steps(app, call.sid)[-1]["result"] == "served"


@pytest.mark.parametrize("language,not_found", [("zh-CN", "没有找到这个工单号"), ("en-US", "could not find that ticket")])
def test_unknown_number_is_asked_again_twice_then_aftersales(app, caller, ticket_book, announced, language,
                                                            not_found):
    call = caller(OWNER)
    to_ticket_entry(call, language)
    for attempt in (1, 2):
        twiml = call.press("20261123999")
        assert not_found in twiml.says()[0].text
        assert twiml.gather.get("action").startswith("/voice/ivr/ticket?") and f"misses={attempt}" in \
            twiml.gather.get("action")
    twiml = call.press("20261123998")
    assert twiml.redirect_query() == {"queue": "aftersales", "priority": "3", "lang": language}
    assert announced.routed[0]["ticket_number"] is None
    assert [s["result"] for s in ivr_steps(app, call.sid)[-4:]] == ["not-found"] * 3 + ["queue:aftersales"]


def test_too_short_a_number_is_not_looked_up(caller, ticket_book):
    call = caller(OWNER)
    to_ticket_entry(call, "zh-CN")
    twiml = call.press("123")
    assert "没有找到这个工单号" in twiml.said()
    assert ticket_book.lookups == []


def test_silence_at_ticket_entry_is_asked_again(caller, ticket_book):
    call = caller(OWNER)
    to_ticket_entry(call, "en-US")
    twiml = call.stay_silent()
    assert twiml.says()[0].text.startswith("Sorry")
    assert twiml.gather.get("action").startswith("/voice/ivr/ticket?")


def test_without_a_provider_every_number_is_unknown_but_the_caller_still_reaches_a_person(caller, announced):
    call = caller(OWNER)
    to_ticket_entry(call, "zh-CN")
    for _ in range(3):
        twiml = call.press("20261123007")
    assert twiml.redirect_query()["queue"] == "aftersales"


def test_follow_up_refuses_a_made_up_ticket_parameter(twilio):
    response = twilio.post("/voice/ivr/ticket/follow-up?ticket=XX1&lang=zh-CN", twilio.call_params())
    assert response.status_code == 400
