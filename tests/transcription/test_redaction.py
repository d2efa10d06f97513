import dataclasses

import pytest

from hotline import create_app
from transcription.redaction import digits_in, redact_turns
from transcription.rules import load_rules
from tests.support.factories import good_call_zh, make_transcript, turn

CONFIG = load_rules().data["redaction"]
CALL = "CA" + "5" * 32


def redacted_text(text, language="zh-CN"):
    turns, found = redact_turns([turn("caller", 3.0, text, language)], CONFIG, language)
    return turns[0]["text"], [f["kind"] for f in found], turns[0]


def test_spoken_digits_are_counted_in_every_form():
    assert digits_in("一三八") == 3 and digits_in("幺三八零零") == 5 and digits_in("6222") == 4
    assert digits_in("seven") == 1 and digits_in("oh") == 1 and digits_in("11010519491231002X") == 18
    assert digits_in("您好") == 0 and digits_in("") == 0


def test_a_card_number_is_redacted_by_context_and_keeps_its_time():
    text, kinds, redacted = redacted_text("我的 卡号 是 六二二二 零二零二 一二三四 五六七八")
    assert text == "我的卡号是[卡号]" and kinds == ["card_number"]
    label = redacted["words"][-1]
    assert label == {"w": "[卡号]", "start": 4.2, "end": 5.76, "conf": 0.9, "redacted": "card_number"}


def test_an_id_number_and_a_phone_number():
    text, kinds, _ = redacted_text("身份证 号码 是 11010519491231002X")
    assert text == "身份证号码是[证件号]" and kinds == ["id_number"]
    text, kinds, _ = redacted_text("my phone is one three eight zero zero one three eight zero zero zero", "en-US")
    assert text == "my phone is [phone number]" and kinds == ["phone_number"]
    text, kinds, _ = redacted_text("电话 13800138000")
    assert text == "电话[电话号码]" and kinds == ["phone_number"]


@pytest.mark.parametrize("text, language, shown, number_words", [
    ("我 的 工单 号码 是 二零二六 幺幺 二四 零零七", "zh-CN", "我的工单号码是GD20261124007", 4),
    ("ticket two zero two six one one two four zero one two", "en-US", "ticket GD20261124012", 11)])
def test_a_ticket_number_is_written_as_quoted_not_redacted(text, language, shown, number_words):
    # 号码 is a phone number's context word, and 11 digits a phone number's length: the date and the
    # sequence are what tell a ticket number apart.
    redacted, kinds, result = redacted_text(text, language)
    assert redacted == shown and kinds == []
    spoken = turn("caller", 3.0, text, language)["words"][-number_words:]
    number = shown.split()[-1][-13:]
    # One word spanning the spoken run, so the player still seeks to where the number was said.
    assert result["words"][-1] == {"w": number, "start": spoken[0]["start"], "end": spoken[-1]["end"],
                                   "conf": 0.9, "ticket": number}


@pytest.mark.parametrize("text", ["手机 二零二六 幺三 二四 零零七", "电话 13800138000"])
def test_a_number_that_only_looks_like_a_ticket_is_still_redacted(text):
    assert redacted_text(text)[1] == ["phone_number"]


def test_short_numbers_stay():
    text, kinds, _ = redacted_text("我 等了 三 天 订单 一二三")
    assert kinds == [] and "一二三" in text


def test_reviewers_see_redacted_text_and_only_admins_the_original(app, api, settings, clock):
    keep = create_app(dataclasses.replace(settings, keep_unredacted_transcripts=True), clock=clock)
    turns = good_call_zh() + [turn("caller", 17.0, "卡号 六二二二 零二零二 一二三四 五六七八")]
    make_transcript(keep, CALL, turns)
    qa = api.mint("qa")
    body = api.get(f"/api/calls/{CALL}/transcript", token=qa).get_json()
    assert "六二二二" not in body["text"] and "[卡号]" in body["text"]
    assert "unredacted_text" not in body and body["redactions"] == [{"kind": "card_number", "at": 17.4}]
    assert api.get(f"/api/calls/{CALL}/transcript?unredacted=1", token=qa).status_code == 403
    assert api.get(f"/api/calls/{CALL}/transcript?unredacted=1", token=api.mint("supervisor")).status_code == 403
    admin = api.get(f"/api/calls/{CALL}/transcript?unredacted=1").get_json()
    assert "六二二二零二零二" in admin["unredacted_text"]


def test_without_the_setting_no_unredacted_copy_is_kept(app, api):
    make_transcript(app, CALL, [turn("caller", 1.0, "卡号 六二二二 零二零二 一二三四 五六七八")])
    from hotline import db
    from transcription.models import Transcript

    with app.app_context():
        row = db.session().query(Transcript).one()
        assert row.unredacted_text is None and row.unredacted_turns is None
        assert "六二二二" not in str(row.turns) and "六二二二" not in row.text
    assert api.get(f"/api/calls/{CALL}/transcript?unredacted=1").status_code == 404
