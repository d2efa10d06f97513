"""Queue rules are validated on load, with errors naming the file, line and field."""
from __future__ import annotations

from pathlib import Path

import pytest

from routing.rules import DEFAULT_PATH, QueueRulesError, load_rules


def test_shipped_rules_load():
    rules = load_rules()
    assert set(rules.queues) == {"inquiry", "problem", "complaint", "suggestion", "urgent", "aftersales", "night"}
    assert rules.queues["urgent"].priority > rules.queues["complaint"].priority > rules.queues["inquiry"].priority


@pytest.mark.parametrize("find, replace, field", [
    ("    strategy: round-robin", "    strategy: random", "queues.inquiry.strategy"),
    ("    min_level: 3\n    priority: 20", "    min_level: 7\n    priority: 20", "queues.complaint.min_level"),
    ("      - {after: 60, min_level: 1}", "      - {after: 20, min_level: 1}", "queues.complaint.escalation[1].after"),
    ("  night:", "  nights:", "queues.nights"),
    ("    wrap_up_seconds: 45\n    escalation:\n      - {after: 30",
     "    wrap_up_secs: 45\n    escalation:\n      - {after: 30", "queues.problem.wrap_up_secs"),
])
def test_mistakes_name_file_line_and_field(tmp_path: Path, find, replace, field):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert find in text
    line = text[:text.index(find)].count("\n") + 1  # the line the mistake is on
    bad = tmp_path / "queues.yaml"
    bad.write_text(text.replace(find, replace, 1), encoding="utf-8")
    with pytest.raises(QueueRulesError) as error:
        load_rules(bad)
    assert str(error.value).startswith(f"{bad}:{line}: {field}:")


def test_hold_music_per_language_is_a_url(tmp_path: Path):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    find = "    wrap_up_seconds: 45\n"
    good = tmp_path / "queues.yaml"
    good.write_text(text.replace(find, find + "    hold_music: {zh-CN: https://example.com/zh.mp3}\n", 1), encoding="utf-8")
    assert load_rules(good).queues["problem"].hold_music == {"zh-CN": "https://example.com/zh.mp3"}
    assert load_rules().queues["problem"].hold_music == {}
    line = text[:text.index(find)].count("\n") + 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(find, find + "    hold_music: {en-US: music.mp3}\n", 1), encoding="utf-8")
    with pytest.raises(QueueRulesError) as error:
        load_rules(bad)
    assert str(error.value).startswith(f"{bad}:{line}: queues.problem.hold_music.en-US: expected an http(s) URL")


def test_broken_yaml_names_the_line(tmp_path: Path):
    bad = tmp_path / "queues.yaml"
    bad.write_text("queues:\n  inquiry: [\n", encoding="utf-8")
    with pytest.raises(QueueRulesError, match=rf"^{bad}:3: not valid YAML"):
        load_rules(bad)


def test_app_refuses_to_start_with_bad_rules(tmp_path: Path, settings):
    import dataclasses

    from hotline import create_app

    bad = tmp_path / "queues.yaml"
    bad.write_text("queues: {}\n", encoding="utf-8")
    with pytest.raises(QueueRulesError, match="missing queue"):
        create_app(dataclasses.replace(settings, queue_rules_path=bad))


def test_check_command(runner, tmp_path: Path):
    assert "ok: 7 queues" in runner.invoke(args=["routing", "check"]).output
    bad = tmp_path / "queues.yaml"
    bad.write_text("queues:\n  inquiry:\n    skill: inquiry\n    priority: 10\n    wrap_up_seconds: 30\n"
                   "    min_level: 9\n", encoding="utf-8")
    result = runner.invoke(args=["routing", "check", str(bad)])
    assert result.exit_code != 0 and f"{bad}:6: queues.inquiry.min_level" in result.output
