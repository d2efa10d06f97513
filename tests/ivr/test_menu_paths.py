"""Every path of the default menu, in both languages: each queue, the after-sales branch, * and #,
speech in either language, and what wrong keys and silence lead to."""
from __future__ import annotations

import pytest

from routing.offers import twilio_queue_name
from tests.ivr.conftest import call_row, ivr_steps
from tests.support.twiml import Twiml

QUEUE_PATHS = [
    # keys after the language choice, queue, category, priority
    (["1"], "inquiry", 2),
    (["2"], "problem", 3),
    (["3"], "complaint", 4),
    (["4"], "urgent", 10),
    (["5", "2"], "aftersales", 3),
    (["6"], "suggestion", 2),
    (["0"], "inquiry", 2),
]
LANGUAGE_KEYS = {"zh-CN": "1", "en-US": "2"}


def assert_routed(twiml, queue: str, priority: int, language: str) -> None:
    assert twiml.verbs == ["Say", "Redirect"]
    say = twiml.says()[0]
    assert say.get("voice") == ("Polly.Zhiyu" if language == "zh-CN" else "Polly.Joanna")
    assert ("正在为您转接客服" if language == "zh-CN" else "Connecting you to an agent") in say.text
    assert twiml.redirect().startswith("/voice/route?")
    assert twiml.redirect_query() == {"queue": queue, "priority": str(priority), "lang": language}


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
@pytest.mark.parametrize("keys,queue,priority", QUEUE_PATHS)
def test_each_queue_is_reached_by_keys(app, caller, announced, language, keys, queue, priority):
    call = caller()
    call.dial()
    menu = call.press(LANGUAGE_KEYS[language])
    assert "node=main" in menu.gather.get("action") and f"lang={language}" in menu.gather.get("action")
    for key in keys:
        twiml = call.press(key)
    assert_routed(twiml, queue, priority, language)
    assert announced.routed == [{"call_sid": call.sid, "category": queue, "priority": priority,
                                 "language": language, "ticket_number": None}]
    assert call_row(app, call.sid).language == language
    steps = ivr_steps(app, call.sid)
    assert [s["node"] for s in steps] == ["incoming", "language", "main"] + (["aftersales"] if len(keys) == 2 else [])
    assert steps[-1]["result"] == f"queue:{queue}" and steps[-1]["input"] == keys[-1]


def test_the_routed_redirect_reaches_routing(caller, twilio):
    call = caller()
    call.dial()
    call.press("1")
    twiml = call.press("3")
    followed = twilio.post(twiml.redirect(), call.params())
    enqueue = Twiml(followed).root.find("Enqueue")
    assert enqueue is not None and enqueue.text == twilio_queue_name("complaint")


@pytest.mark.parametrize("language,prompt_words", [("zh-CN", "请问有什么可以帮您"), ("en-US", "How can I help you")])
def test_main_menu_speaks_only_the_chosen_language(caller, language, prompt_words):
    call = caller()
    call.dial()
    twiml = call.press(LANGUAGE_KEYS[language])
    gather = twiml.gather
    assert gather.get("language") == ("cmn-Hans-CN" if language == "zh-CN" else "en-US")
    assert gather.get("input") == "dtmf speech" and gather.get("finishOnKey") == ""
    assert len(twiml.says()) == 1 and prompt_words in twiml.said()
    hints = gather.get("hints")
    assert ("投诉" in hints and "complaint" not in hints) if language == "zh-CN" else \
        ("complaint" in hints and "投诉" not in hints)
    assert twiml.verbs == ["Gather", "Redirect"]
    assert twiml.redirect() == gather.get("action")


@pytest.mark.parametrize("language,words,queue", [
    ("zh-CN", "我要投诉", "complaint"),
    ("zh-CN", "转人工服务", "inquiry"),
    ("zh-CN", "账户安全出了问题，我的账号被盗了", "urgent"),
    ("zh-CN", "按二", "problem"),
    ("en-US", "I want to make a complaint.", "complaint"),
    ("en-US", "Agent, please", "inquiry"),
    ("en-US", "My internet is not working", "problem"),
    ("en-US", "press four", "urgent"),
])
def test_speech_reaches_the_same_queues(caller, announced, language, words, queue):
    call = caller()
    call.dial()
    call.press(LANGUAGE_KEYS[language])
    twiml = call.say(words)
    assert twiml.redirect_query()["queue"] == queue
    assert announced.routed[0]["category"] == queue


def test_language_can_be_chosen_by_voice(caller):
    call = caller()
    call.dial()
    twiml = call.say("English")
    assert "lang=en-US" in twiml.gather.get("action")


def test_star_repeats_and_hash_goes_back(app, caller):
    call = caller()
    call.dial()
    call.press("2")
    aftersales = call.press("5")
    assert "node=aftersales" in aftersales.gather.get("action") and "trail=language,main" in \
        aftersales.gather.get("action").replace("%2C", ",")
    again = call.press("*")
    assert again.said() == aftersales.said()
    back = call.press("#")
    assert "node=main" in back.gather.get("action") and "How can I help you" in back.said()
    back_again = call.press("#")
    assert "node=language" in back_again.gather.get("action")
    results = [s["result"] for s in ivr_steps(app, call.sid)]
    assert results[-3:] == ["repeat", "back:main", "back:language"]


def test_hash_at_the_top_repeats_the_menu(caller):
    call = caller()
    call.dial()
    twiml = call.press("#")
    assert "node=language" in twiml.gather.get("action")
    assert "中文服务请按1" in twiml.said() and "For English, press 2" in twiml.said()
    assert "这里是" not in twiml.said(), "the greeting is not repeated"


@pytest.mark.parametrize("language,sorry", [("zh-CN", "对不起"), ("en-US", "Sorry")])
def test_wrong_keys_get_sorry_twice_then_a_person(app, caller, announced, language, sorry):
    call = caller()
    call.dial()
    call.press(LANGUAGE_KEYS[language])
    for attempt in (1, 2):
        twiml = call.press("9")
        assert twiml.verbs == ["Gather", "Redirect"], "a wrong key never hangs up"
        assert twiml.says()[0].text.startswith(sorry)
        assert f"misses={attempt}" in twiml.gather.get("action")
    twiml = call.press("7")
    assert_routed(twiml, "inquiry", 2, language)
    assert announced.routed[0]["category"] == "inquiry"
    steps = ivr_steps(app, call.sid)
    assert [s["result"] for s in steps[-4:]] == ["invalid", "invalid", "invalid", "queue:inquiry"]
    assert steps[-1]["reason"] == "3 misses"


def test_silence_gets_sorry_twice_then_a_person(app, caller, announced):
    call = caller()
    call.dial()
    call.press("1")
    for attempt in (1, 2):
        twiml = call.stay_silent()
        assert twiml.verbs == ["Gather", "Redirect"]
        assert twiml.says()[0].text.startswith("对不起")
    twiml = call.stay_silent()
    assert_routed(twiml, "inquiry", 2, "zh-CN")
    assert [s["result"] for s in ivr_steps(app, call.sid)[-4:]] == ["no-input", "no-input", "no-input",
                                                                      "queue:inquiry"]


def test_silence_at_the_language_choice_ends_with_a_person_in_the_default_language(caller, announced, settings):
    call = caller()
    call.dial()
    for _ in range(2):
        twiml = call.stay_silent()
        assert [s.get("voice") for s in twiml.says()[:2]] == ["Polly.Zhiyu", "Polly.Joanna"]
    twiml = call.stay_silent()
    assert twiml.redirect_query()["queue"] == "inquiry"
    assert announced.routed[0]["language"] == settings.default_language


def test_a_good_key_after_a_wrong_one_starts_the_count_again(caller):
    call = caller()
    call.dial()
    call.press("1")
    call.press("8")
    twiml = call.press("5")
    assert "misses" not in twiml.gather.get("action")


def test_unrecognised_speech_counts_as_a_wrong_key(app, caller):
    call = caller()
    call.dial()
    call.press("2")
    twiml = call.say("what is the weather like")
    assert twiml.says()[0].text.startswith("Sorry")
    assert ivr_steps(app, call.sid)[-1] == {"node": "main", "input": "what is the weather like", "via": "speech",
                                            "result": "invalid", "misses": 1}


def test_choose_without_call_sid_is_refused(twilio):
    assert twilio.post("/voice/ivr/choose?node=main", {"Digits": "1"}).status_code == 400
