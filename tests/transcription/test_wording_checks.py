"""The manuals' wording, checked on transcripts in both languages (issue 17, item 9): the agent names
themself and offers help in the first 15 s, restates the need, asks "还有其他问题吗" before closing,
thanks with the blessing, and waits for the caller to hang up; near misses must not pass."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline import db, signals
from tests.support.factories import COMPANY, EN_SECONDS, ZH_SECONDS, good_call_en, good_call_zh, make_transcript, turn
from transcription.analytics import analyse, with_hang_up
from transcription.models import Transcript
from transcription.rules import RulesError, load_rules

RULES = load_rules().data
CALLS = {"zh-CN": (good_call_zh, ZH_SECONDS), "en-US": (good_call_en, EN_SECONDS)}


def judged(language, turns=None, hung_up_first=None):
    make, seconds = CALLS[language]
    return analyse(turns if turns is not None else make(), seconds, language, RULES, COMPANY, hung_up_first)


def replaced(language, index, text, start=None):
    turns = CALLS[language][0]()
    turns[index] = turn(turns[index]["speaker"], turns[index]["start"] if start is None else start, text, language)
    return turns


def finding(result, step):
    return next(f for f in result["findings"] if f["kind"] == f"script_{step}")


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_the_whole_script_and_the_caller_hanging_up_first_score_100(language):
    result = judged(language, hung_up_first="caller")
    assert {step: r["passed"] for step, r in result["compliance"].items()} == dict.fromkeys(
        ["greeting", "identity", "restate", "summary", "anything_else", "thanks", "waits_for_caller"], True)
    assert result["score"] == 100.0


@pytest.mark.parametrize("language, greeting, lacking", [
    ("zh-CN", "您好 这里是 热线服务中心 客户服务 很高兴 为您服务 请问 有什么可以帮您", "own name"),
    ("zh-CN", "您好 这里是 热线服务中心 客户服务 我是 客服 小王", "offer of help"),
    ("zh-CN", "您好 这里是 热线服务中心", "own name, offer of help"),
    ("en-US", "Hello this is Hotline Service Center how can I help", "own name"),
    ("en-US", "Hello this is Hotline Service Center my name is Li", "offer of help"),
])
def test_a_greeting_without_the_agent_s_name_or_the_offer_of_help_is_a_near_miss(language, greeting, lacking):
    result = judged(language, replaced(language, 0, greeting))
    assert result["compliance"]["greeting"]["passed"] is False
    assert finding(result, "greeting")["text"] == f"greeting without: {lacking}"
    assert result["score"] == round(100 * 70 / 95, 1)


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_the_name_and_the_offer_after_fifteen_seconds_do_not_complete_the_greeting(language):
    turns = replaced(language, 0, {"zh-CN": "您好 这里是 热线服务中心", "en-US": "Hello this is Hotline Service Center"}
                     [language])
    late = {"zh-CN": "我是 小王 请问 有什么可以帮您", "en-US": "my name is Li how can I help"}[language]
    assert judged(language, turns + [turn("agent", 16.0, late, language)])["compliance"]["greeting"]["passed"] is False


@pytest.mark.parametrize("language, index", [("zh-CN", 4), ("en-US", 4)])
def test_a_need_never_restated_is_missed(language, index):
    turns = CALLS[language][0]()
    del turns[index]
    result = judged(language, turns)
    assert result["compliance"]["restate"]["passed"] is False
    assert finding(result, "restate")["text"] == "the caller's need was not restated to confirm it"


@pytest.mark.parametrize("language, summary", [
    ("zh-CN", "本次您反馈的 问题 已 为您 提交 工单"),
    ("en-US", "To summarize your order is cancelled and the refund is on its way"),
])
def test_anything_else_must_be_asked_before_closing_not_at_the_start(language, summary):
    turns = replaced(language, 5, summary)
    asked_early = {"zh-CN": "请问 还有其他问题吗", "en-US": "anything else"}[language]
    result = judged(language, turns + [turn("agent", 4.0, asked_early, language)])
    assert result["compliance"]["anything_else"]["passed"] is False
    assert "anything else before closing" in finding(result, "anything_else")["text"]


@pytest.mark.parametrize("language, thanks", [("zh-CN", "谢谢"), ("zh-CN", "感谢您的来电"), ("en-US", "Thank you"),
                                              ("en-US", "Thank you for calling")])
def test_thanks_without_the_blessing_is_a_near_miss(language, thanks):
    result = judged(language, replaced(language, 6, thanks))
    assert result["compliance"]["thanks"]["passed"] is False
    assert finding(result, "thanks")["text"] == "thanks without: blessing"


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_a_blessing_alone_is_not_thanks(language):
    result = judged(language, replaced(language, 6, {"zh-CN": "祝您生活愉快", "en-US": "have a nice day"}[language]))
    assert result["compliance"]["thanks"]["passed"] is False


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_the_agent_hanging_up_first_costs_its_points_and_an_unknown_hang_up_costs_nothing(language):
    agent_first = judged(language, hung_up_first="agent")
    assert agent_first["compliance"]["waits_for_caller"]["passed"] is False
    assert finding(agent_first, "waits_for_caller")["severity"] == "missed"
    assert agent_first["score"] == 95.0
    unknown = judged(language)
    assert unknown["compliance"]["waits_for_caller"]["passed"] is None
    assert "script_waits_for_caller" not in [f["kind"] for f in unknown["findings"]]
    assert unknown["score"] == 100.0


@pytest.mark.parametrize("who", ["caller", "agent"])
def test_a_hang_up_known_after_the_analysis_scores_as_if_known_before(who):
    turns = replaced("zh-CN", 6, "谢谢") + [turn("agent", 18.0, "这个 不归我管")]
    late = with_hang_up(judged("zh-CN", turns), RULES, who)
    assert late == judged("zh-CN", turns, hung_up_first=who)


def test_an_analysis_stored_before_deductions_were_kept_is_rescored_from_its_score():
    turns = good_call_zh() + [turn("agent", 18.0, "这个 不归我管")]  # 15 points off
    stored = judged("zh-CN", turns)
    del stored["deductions"]
    assert with_hang_up(stored, RULES, "agent")["score"] == judged("zh-CN", turns, hung_up_first="agent")["score"]


def test_the_transcript_is_rescored_when_routing_says_who_hung_up_first(app):
    sid = "CA" + "7" * 32
    make_transcript(app, sid, good_call_zh(), agent_id=3, queue="inquiry")
    with app.app_context():
        assert db.session().scalars(select(Transcript.score).where(Transcript.call_sid == sid)).one() == 100.0
        signals.conversation_over.send(app, call_sid=sid, agent_id=3, hung_up_first="agent")
        db.session().commit()
    with app.app_context():
        transcript = db.session().scalars(select(Transcript).where(Transcript.call_sid == sid)).one()
        assert transcript.score == 95.0 and ",script_waits_for_caller," in transcript.flags
        assert transcript.analysis["compliance"]["waits_for_caller"]["passed"] is False


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_every_call_to_the_complaint_line_is_in_the_review_queue_even_without_complaint_words(app, language):
    polite = {"zh-CN": [turn("agent", 1.0, "您好 这里是 热线服务中心 我是 小王 请问 有什么可以帮您"),
                        turn("caller", 6.0, "我 想 问 一下 发票")],
              "en-US": [turn("agent", 1.0, "Hello this is Hotline Service Center my name is Li how can I help", "en-US"),
                        turn("caller", 6.0, "I have a question about my invoice", "en-US")]}[language]
    routed = "CA" + ("5" if language == "zh-CN" else "6") * 32
    other = "CA" + ("3" if language == "zh-CN" else "4") * 32
    make_transcript(app, routed, polite, language=language, agent_id=2, queue="complaint")
    make_transcript(app, other, polite, language=language, agent_id=2, queue="inquiry")
    with app.app_context():
        reasons = dict(db.session().execute(select(Transcript.call_sid, Transcript.review_reason)).all())
    assert reasons[routed] == "complaint"
    assert reasons[other] != "complaint"


def test_an_operator_file_without_the_new_steps_stays_valid_and_unknown_steps_are_named(tmp_path):
    shipped = open(load_rules().source, encoding="utf-8").read()
    older = tmp_path / "qa_rules.yaml"
    cut = shipped.index("  restate:")
    older.write_text(shipped[:cut] + shipped[shipped.index("  summary:"):shipped.index("  anything_else:")]
                     + shipped[shipped.index("  thanks:"):shipped.index("  waits_for_caller:")]
                     + shipped[shipped.index("# 尊重客户"):], encoding="utf-8")
    rules = load_rules(older).data
    assert list(rules["script"]) == ["greeting", "identity", "summary", "thanks"]
    result = analyse(good_call_zh(), ZH_SECONDS, "zh-CN", rules, COMPANY, hung_up_first="agent")
    assert set(result["compliance"]) == {"greeting", "identity", "summary", "thanks"} and result["score"] == 100.0
    typo = tmp_path / "typo.yaml"
    typo.write_text(shipped.replace("  anything_else:", "  anythingelse:"), encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_rules(typo)
    assert "script.anythingelse: unknown step" in str(error.value)
