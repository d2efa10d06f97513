import pytest

from transcription.rules import RulesError, load_rules
from transcription.scorecard import check_answers, load_scorecard, score_answers


def test_the_shipped_rules_and_scorecard_load():
    rules = load_rules()
    assert rules["channels"] == ["caller", "agent"]
    assert "热线服务中心" not in str(rules.data)  # the company name comes from settings, not the file
    card = load_scorecard()
    assert len(card["sections"]) == 4


def test_an_error_names_the_file_the_line_and_the_field(tmp_path):
    path = tmp_path / "qa.yaml"
    text = (load_rules().source and open(load_rules().source, encoding="utf-8").read())
    path.write_text(text.replace("random_share: 0.10", "random_share: 3"), encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_rules(path)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "random_share:" in l)
    assert str(error.value).startswith(f"{path}:{line}: review_sampling.random_share:")
    path.write_text(text.replace("      zh-CN: [\"投诉\"", "      zh-TW: [\"投诉\""), encoding="utf-8")
    with pytest.raises(RulesError, match=r"keywords\.complaint\.phrases\.zh-TW: unknown language"):
        load_rules(path)
    path.write_text("channels: [caller, agent\n", encoding="utf-8")
    with pytest.raises(RulesError, match=":2: not valid YAML"):
        load_rules(path)


def test_scorecard_answers_are_checked_and_scored():
    card = load_scorecard()
    assert check_answers(card, {"greeting": "maybe", "nope": "yes"}) == [
        "answers.nope: no such question", "answers.greeting: expected yes, no or na"]
    assert score_answers(card, {"greeting": "yes", "identity": "no", "summary": "na"}) == 50.0
    assert score_answers(card, {}) == 0.0
