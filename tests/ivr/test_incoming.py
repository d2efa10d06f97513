"""The first answer: the greeting in the manuals' words and the language choice, skipped for
callers whose language we know, who are greeted by title and surname only."""
from __future__ import annotations

from hotline import db
from tests.ivr.conftest import call_row, ivr_steps
from tests.support.factories import add_customer


def test_new_caller_is_greeted_in_both_languages_and_asked_to_choose(app, caller, settings):
    call = caller()
    twiml = call.dial()
    gather = twiml.gather
    assert twiml.verbs == ["Gather", "Redirect"]
    assert gather.get("input") == "dtmf speech" and gather.get("numDigits") == "1"
    assert gather.get("action").startswith("/voice/ivr/choose?node=language")
    says = gather.findall("Say")
    assert says[0].text == f"您好，这里是{settings.company_name}客户服务，很高兴为您服务。"
    assert (says[0].get("voice"), says[0].get("language")) == ("Polly.Zhiyu", "cmn-CN")
    assert says[1].text.startswith(f"Hello, this is {settings.company_name_en} customer service")
    assert (says[1].get("voice"), says[1].get("language")) == ("Polly.Joanna", "en-US")
    assert "中文服务请按1" in says[2].text and "For English, press 2" in says[3].text
    assert {"中文", "english"} <= {h.strip() for h in gather.get("hints").split(",")}
    assert ivr_steps(app, call.sid)[0]["result"] == "new-caller"


def test_known_caller_skips_the_language_choice_and_hears_title_and_surname(app, caller, settings):
    add_customer(app, "+8613900139000", name="王小梅", surname="王", title="ms", language="zh-CN")
    call = caller("+8613900139000")
    twiml = call.dial()
    assert "node=main" in twiml.gather.get("action") and "lang=zh-CN" in twiml.gather.get("action")
    assert twiml.gather.get("language") == "cmn-Hans-CN"
    first = twiml.says()[0].text
    assert first.startswith("王女士您好，这里是" + settings.company_name)
    assert "王小梅" not in twiml.said() and "小梅" not in twiml.said()
    assert all(say.get("voice") == "Polly.Zhiyu" for say in twiml.says())
    assert call_row(app, call.sid).language == "zh-CN"


def test_known_english_caller_is_greeted_as_mr_surname(app, caller):
    add_customer(app, "+14155550100", name="John Smith", surname="Smith", title="mr", language="en-US")
    twiml = caller("+14155550100").dial()
    assert twiml.says()[0].text.startswith("Hello Mr Smith, this is")
    assert "John" not in twiml.said()
    assert twiml.gather.get("language") == "en-US"
    assert "How can I help you?" in twiml.said()


def test_the_arrival_asks_the_caller_directory_not_the_database(app, caller):
    from sqlalchemy import text

    from tickets.directory import rebuild

    add_customer(app, "+14155550100", name="John Smith", surname="Smith", title="mr", language="en-US")
    with app.app_context():
        rebuild()
        session = db.session()
        session.execute(text("DELETE FROM customers"))  # behind the directory's back
        session.commit()
    twiml = caller("+14155550100").dial()
    assert twiml.says()[0].text.startswith("Hello Mr Smith, this is")


def test_known_caller_without_a_title_gets_the_plain_greeting(app, caller):
    add_customer(app, "+8613700137000", surname="李", language="zh-CN")
    twiml = caller("+8613700137000").dial()
    assert twiml.says()[0].text.startswith("您好，这里是")
    assert "李" not in twiml.said()


def test_incoming_without_call_sid_is_refused(twilio):
    assert twilio.post("/voice/incoming", {"From": "+8613800138000"}).status_code == 400


def test_forged_incoming_is_refused_and_records_nothing(app, twilio):
    response = twilio.post("/voice/incoming", twilio.call_params(), signature="forged")
    assert response.status_code == 403
    from sqlalchemy import func, select

    from hotline import db
    from hotline.models import Call

    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Call)) == 0
