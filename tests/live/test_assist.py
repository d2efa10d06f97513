"""Agent assist's rules on final phrases, with transcription's own matching and redaction
(`LiveSpeech`) and the shipped QA rules file: no sockets, no Vosk."""
import pytest

from hotline.contracts import LiveSpeech, need
from live.assist import CallAssist
from live.phrases import Phrase


@pytest.fixture
def assist(app):
    with app.app_context():
        speech = need(LiveSpeech)
        yield CallAssist(speech.assist_rules("zh-CN"), lambda turn, phrases: speech.heard(turn, phrases, "zh-CN"),
                         lambda turn: speech.redact(turn, "zh-CN"), lambda turn: speech.numbers(turn, "zh-CN"))


def said(speaker, text, start=1.0, index=0):
    words = tuple({"w": w, "start": start + i * 0.3, "end": start + i * 0.3 + 0.2, "conf": 0.9}
                  for i, w in enumerate(text.split()))
    return Phrase(speaker, index, start, start + len(words) * 0.3, "".join(text.split()), True, words)


@pytest.mark.parametrize("text, kind", [("我 要 打 12315", "escalation"), ("我 找 媒体 曝光", "escalation"),
                                        ("我 请 律师", "escalation"), ("我 要 投诉 你们", "complaint")])
def test_the_callers_escalation_and_complaint_words_alert_and_suggest_the_upset_caller_script(assist, text, kind):
    _, notices = assist.on_final(said("caller", text))
    [notice] = notices
    assert notice.kind == kind and notice.alerts_supervisor and notice.suggestion == "upset_caller"
    assert notice.speaker == "caller" and notice.at == 1.0


def test_each_kind_alerts_once_a_call_and_the_agents_words_never_do(assist):
    assert assist.on_final(said("agent", "您 可以 投诉"))[1] == []
    assert [n.kind for n in assist.on_final(said("caller", "我 要 投诉", index=0))[1]] == ["complaint"]
    assert assist.on_final(said("caller", "投诉 投诉", index=1))[1] == []
    assert [n.kind for n in assist.on_final(said("caller", "我 找 律师", index=2))[1]] == ["escalation"]


def test_a_spoken_card_number_is_redacted_before_it_is_shown(assist):
    phrase, notices = assist.on_final(said("caller", "我 的 银行卡 号 是 6222 0202 0000 1234 567"))
    assert "6222" not in phrase.text and "[卡号]" in phrase.text
    assert [(n.kind, n.phrase) for n in notices] == [("redacted", "card_number")]
    assert all("6222" not in w["w"] for w in phrase.words)


def test_the_greeting_heard_in_time_means_no_reminder(assist):
    assist.on_final(said("agent", "您好 这里 是 客服 中心", start=2.0))
    assert assist.greeted and assist.on_time(20.0) == []


def test_no_greeting_in_fifteen_seconds_reminds_the_agent_once(assist):
    assist.on_final(said("agent", "喂", start=2.0))
    assert assist.on_time(14.9) == []
    [reminder] = assist.on_time(15.0)
    assert reminder.kind == "greeting_missing" and not reminder.alerts_supervisor
    assert assist.on_time(30.0) == []


def test_a_greeting_after_the_window_does_not_count(assist):
    assist.on_final(said("agent", "您好", start=16.0))
    assert not assist.greeted


@pytest.mark.parametrize("text, number", [("我 的 工单 号 是 二零二六 幺幺 二四 零零七", "GD20261124007"),
                                          ("工单 20261124 007", "GD20261124007"),
                                          ("two zero two six one one two four zero one two", "GD20261124012")])
def test_a_spoken_ticket_number_asks_the_desk_to_open_it_once(assist, text, number):
    shown, notices = assist.on_final(said("caller", text))
    assert [(n.kind, n.phrase, n.speaker) for n in notices] == [("ticket_number", number, "caller")]
    # Shown as the caller would quote it, never as a redacted phone number.
    assert number in shown.text and "[" not in shown.text
    assert [w["ticket"] for w in shown.words if "ticket" in w] == [number]
    # The agent reading it back is the same ticket: the desk has it open already.
    _, again = assist.on_final(said("agent", text, start=5.0))
    assert [n.kind for n in again if n.kind == "ticket_number"] == []


@pytest.mark.parametrize("text", ["我 的 手机 是 13800138000", "二零二六 幺三 二四 零零七", "20261124",
                                  "卡号 6222 0202 0000 1234 567", "身份证 110101 19900307 123X"])
def test_a_phone_number_an_impossible_date_or_a_bare_date_is_no_ticket_number(assist, text):
    assert all(n.kind != "ticket_number" for n in assist.on_final(said("caller", text))[1])


def test_stream_entries_redact_partials_and_alert_once_with_the_shown_text(assist):
    partial = Phrase("caller", 0, 1.0, 2.0, "卡号 6222 0202 0000 1234 567", False)
    final = said("caller", "我 要 投诉 卡号 6222 0202 0000 1234 567", index=0)
    entries, alerts = assist.stream_entries("CA1", [partial, final], None, "2026-12-03T10:00:00+00:00")
    assert [e["type"] for e in entries] == ["phrase", "phrase", "notice", "notice"]
    assert all("6222" not in e.get("text", "") for e in entries)
    assert {e["kind"] for e in entries if e["type"] == "notice"} == {"redacted", "complaint"}
    [alert] = alerts
    assert alert["call_sid"] == "CA1" and alert["kind"] == "complaint" and "[卡号]" in alert["text"]
