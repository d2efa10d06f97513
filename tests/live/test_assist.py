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
                         lambda turn: speech.redact(turn, "zh-CN"))


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
