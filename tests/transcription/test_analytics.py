"""QA rules on transcripts built from structured turns, in both languages."""
import pytest

from transcription.analytics import analyse
from transcription.rules import load_rules
from transcription.sampling import review_reason, sample_draw
from tests.support.factories import COMPANY, EN_SECONDS, ZH_SECONDS, good_call_en, good_call_zh, turn

RULES = load_rules().data


def kinds(result, severity=None):
    return [f["kind"] for f in result["findings"] if severity is None or f["severity"] == severity]


@pytest.mark.parametrize("language, turns", [("zh-CN", good_call_zh()), ("en-US", good_call_en())])
def test_a_call_that_follows_the_script_passes_every_step(language, turns):
    result = analyse(turns, ZH_SECONDS if language == "zh-CN" else EN_SECONDS, language, RULES, COMPANY,
                     hung_up_first="caller")
    assert all(step["passed"] for step in result["compliance"].values()), result["compliance"]
    assert result["score"] == 100.0
    assert not kinds(result, "missed") and not kinds(result, "violation")


def test_each_script_finding_points_at_its_second():
    result = analyse(good_call_zh(), ZH_SECONDS, "zh-CN", RULES, COMPANY)
    compliance = result["compliance"]
    assert compliance["greeting"]["at"] == 1.0 and compliance["greeting"]["phrase"] == "您好"
    assert compliance["identity"]["at"] == pytest.approx(11.0 + 8 * 0.4)  # the word 您的姓名
    assert compliance["summary"]["at"] == 20.0
    assert compliance["thanks"]["at"] == 25.0


def test_keyword_categories_with_their_times():
    result = analyse(good_call_zh(), ZH_SECONDS, "zh-CN", RULES, COMPANY)
    keywords = {(f["category"], round(f["at"], 2)) for f in result["findings"] if f["kind"] == "keyword"}
    assert keywords == {("complaint", 6.8), ("refund", 9.2)}
    assert result["categories"] == ["complaint", "refund"]
    en = analyse(good_call_en(), EN_SECONDS, "en-US", RULES, COMPANY)
    assert set(en["categories"]) == {"cancel", "refund"}


def test_a_greeting_after_fifteen_seconds_or_without_the_company_name_is_missed():
    late = [turn("agent", 20.0, "您好 这里是 热线服务中心")] + good_call_zh()[1:]
    result = analyse(late, ZH_SECONDS, "zh-CN", RULES, COMPANY)
    assert result["compliance"]["greeting"]["passed"] is False
    assert {"kind": "script_greeting", "at": 0.0, "severity": "missed",
            "text": "no greeting with the company name in the first 15 s"} in result["findings"]
    nameless = [turn("agent", 1.0, "您好 请问 有什么 可以 帮您")] + good_call_zh()[1:]
    assert analyse(nameless, ZH_SECONDS, "zh-CN", RULES, COMPANY)["compliance"]["greeting"]["passed"] is False
    # The greeting's 25 points lost, of the 95 a call is judged on before who hung up first is known.
    assert result["score"] == round(100 * 70 / 95, 1)


def test_no_identity_no_summary_no_thanks():
    turns = [turn("agent", 1.0, "您好 这里是 热线服务中心 我是 小王 请问 有什么可以帮您"),
             turn("caller", 5.0, "我 的 网 断 了"), turn("agent", 9.0, "好的 我 帮 您 看看")]
    result = analyse(turns, 14.0, "zh-CN", RULES, COMPANY)
    assert {k for k in kinds(result, "missed")} == {"script_identity", "script_restate", "script_summary",
                                                     "script_anything_else", "script_thanks"}
    assert result["score"] == round(100 * 25 / 95, 1)


def test_a_summary_early_in_the_call_is_not_a_closing_summary():
    turns = good_call_zh()
    turns[5] = turn("agent", 12.0, "本次您反馈的 问题 已 为您 提交 工单")
    result = analyse(turns, ZH_SECONDS, "zh-CN", RULES, COMPANY)
    assert result["compliance"]["summary"]["passed"] is False


def test_forbidden_phrases_are_violations_at_their_second():
    turns = good_call_zh() + [turn("agent", 18.0, "这个 不归我管 你去投诉吧")]
    result = analyse(turns, ZH_SECONDS, "zh-CN", RULES, COMPANY)
    forbidden = [f for f in result["findings"] if f["kind"] == "forbidden_phrase"]
    assert [(f["at"], f["text"]) for f in forbidden] == [(18.4, "“不归我管”"), (18.8, "“你去投诉吧”")]
    assert result["score"] == 70.0
    english = good_call_en() + [turn("agent", 16.0, "Sorry that is not my problem", "en-US")]
    assert "forbidden_phrase" in kinds(analyse(english, EN_SECONDS, "en-US", RULES, COMPANY))


def test_the_caller_saying_a_forbidden_phrase_is_not_the_agent_s_fault():
    turns = good_call_zh() + [turn("caller", 18.0, "这 不归我管")]
    assert "forbidden_phrase" not in kinds(analyse(turns, ZH_SECONDS, "zh-CN", RULES, COMPANY))


def test_talk_silence_overtalk_and_pace():
    turns = [turn("agent", 0.0, "a b c d e", "en-US", 1.0),     # talks 0.0-4.9
             turn("caller", 3.0, "x y z", "en-US", 1.0),        # talks 3.0-5.9: overlaps 3.0-4.9
             turn("agent", 20.0, "f g", "en-US", 1.0)]          # 5.9-20.0 silent; ends 21.9
    metrics = analyse(turns, 25.0, "en-US", RULES, COMPANY)["metrics"]
    assert metrics["agent_talk_seconds"] == pytest.approx(4.9 + 1.9)
    assert metrics["caller_talk_seconds"] == pytest.approx(2.9)
    assert metrics["overtalk_seconds"] == pytest.approx(1.9)
    assert metrics["longest_silence_seconds"] == pytest.approx(14.1) and metrics["longest_silence_at"] == 5.9
    assert metrics["silence_seconds"] == pytest.approx(14.1 + 3.1)
    assert metrics["agent_words_per_minute"] == pytest.approx(7 / (6.8 / 60), rel=0.01)
    result = analyse(turns, 25.0, "en-US", RULES, COMPANY)
    assert {"overtalk", "long_silence"} <= set(kinds(result, "warning"))
    assert [f["at"] for f in result["findings"] if f["kind"] == "overtalk"] == [3.0]


def test_review_sampling_complaints_low_scores_and_a_stable_random_share():
    sampling = RULES["review_sampling"]
    assert review_reason("CA1", ["complaint"], 95, sampling) == "complaint"
    assert review_reason("CA1", [], 50, sampling) == "low_score"
    chosen = [sid for sid in (f"CA{i}" for i in range(2000)) if review_reason(sid, [], 90, sampling)]
    assert 0.07 < len(chosen) / 2000 < 0.13
    assert all(review_reason(sid, [], 90, sampling) == "random_sample" for sid in chosen)
    assert sample_draw("CA42") == sample_draw("CA42")
    assert review_reason("CA1", [], 90, {**sampling, "random_share": 0}) is None
