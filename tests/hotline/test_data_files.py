"""Operator data files: one loader (hotline.data_files) for every YAML file, `hotline check` over
all of them, and hot reload that keeps the last good version of a broken edit."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli import check, data_files
from hotline.data_files import DataError, LiveFile
from hotline.settings import PROJECT_ROOT, Settings

# One broken edit per file, each a mistake an operator makes: (file, find, replace, field).
BROKEN = [
    ("routing/queues.yaml", "    strategy: round-robin", "    strategy: random", "queues.inquiry.strategy"),
    ("routing/queues.yaml", "  night:", "  nights:", "queues.nights"),
    ("ivr/menu.yaml", "        queue: complaint\n", "        queue: complaints\n", None),
    ("desk/scripts.yaml", "这里是{company}客户服务", "这里是{boss}客户服务", "situations.greeting.phrases[0].zh-CN"),
    ("tickets/sms_templates.yaml", "case {number} is resolved", "case {numbr} is resolved", "resolved.en-US"),
    ("revisits/scripts.yaml", "  invalid_key:", "  invalid_keys:", "zh-CN.invalid_keys"),
    ("transcription/qa_rules.yaml", "random_share: 0.10", "random_share: 3", "review_sampling.random_share"),
    ("transcription/scorecard.yaml", "weight: 5}", "weight: -5}", "sections[0].questions[0].weight"),
    ("hotline/calendar.yaml", "mon:", "moon:", "business_hours.moon"),
]


def _line(text: str, find: str) -> int:
    return text[:text.index(find)].count("\n") + 1


def _broken_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for relative, find, replace, _ in BROKEN:
        target = tree / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(PROJECT_ROOT / relative, target)
        text = target.read_text(encoding="utf-8")
        assert find in text, (relative, find)
        target.write_text(text.replace(find, replace, 1), encoding="utf-8")
    return tree


def test_every_yaml_file_of_the_project_is_declared():
    shipped = {p.relative_to(PROJECT_ROOT) for p in PROJECT_ROOT.glob("*/*.yaml")}
    declared = {spec.default.relative_to(PROJECT_ROOT) for spec in data_files()}
    # The demo calendar is a calendar (read by the same DataFile when HOTLINE_DEMO is set).
    assert shipped == declared, f"declare these in their area's AREA.data_files: {shipped ^ declared}"


def test_the_shipped_files_pass(tmp_path):
    result = CliRunner().invoke(check, [], env={"HOTLINE_INSTANCE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok (") == len(data_files())


def test_check_lists_every_problem_in_every_file(tmp_path):
    tree = _broken_tree(tmp_path)
    result = CliRunner().invoke(check, ["--tree", str(tree)], env={"HOTLINE_INSTANCE_DIR": str(tmp_path)})
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    for relative, find, replace, field in BROKEN:
        path = tree / relative
        if field is None:  # the menu's check names the option whose queue does not exist
            assert any(f"error: {path}:" in e and "unknown queue 'complaints'" in e for e in errors), errors
            continue
        line = _line(path.read_text(encoding="utf-8"), replace)
        assert any(e.startswith(f"error: {path}:{line}: {field}: ") for e in errors), (field, errors)
    # Two mistakes in one file are two lines, not the first only; nothing unbroken is reported.
    assert sum(f"{tree / 'routing/queues.yaml'}:" in e for e in errors) == 3  # + the missing night queue
    assert all(str(tree) in e for e in errors)
    assert f"{len(errors)} problem(s)" in result.output


def test_hotline_check_runs_when_a_broken_file_would_stop_the_app(tmp_path):
    """The command needs no app: a queue rules file that stops start-up is reported, exit 1."""
    bad = tmp_path / "queues.yaml"
    bad.write_text("queues:\n  inquiry: {skill: inquiry, min_level: 9, priority: 1, wrap_up_seconds: 1}\n",
                   encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "QUEUE_RULES_PATH": str(bad),
           "HOTLINE_INSTANCE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "from hotline.cli import main; main()", "check"],
                          env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"error: {bad}:2: queues.inquiry.min_level: expected a skill level 1-5, got 9" in done.stdout
    assert f"error: {bad}:1: queues: missing queue(s): problem" in done.stdout
    assert "ok (IVR menu)" in done.stdout


@pytest.mark.parametrize("spec", data_files(), ids=lambda spec: spec.name)
def test_a_broken_edit_keeps_the_last_good_version(tmp_path, spec):
    settings = Settings.for_tests(tmp_path)
    path = tmp_path / spec.default.name
    shutil.copy(spec.default, path)
    live = LiveFile(spec, path, context=spec.context(settings))
    good = live.current()
    assert live.current() is good  # unchanged: not re-read

    path.write_text(path.read_text(encoding="utf-8") + "\n[broken\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert live.current() is good
    assert f"{path}:" in live.last_error and "not valid YAML" in live.last_error

    shutil.copy(spec.default, path)
    os.utime(path, ns=(2, 2))
    again = live.current()
    assert again is not good and live.last_error is None


def test_a_broken_file_at_start_up_is_refused_unless_there_is_a_shipped_default(tmp_path):
    from routing.rules import RULES

    path = tmp_path / "queues.yaml"
    path.write_text("queues: {}\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing queue"):
        LiveFile(RULES, path).current()
    served = LiveFile(RULES, path, fallback=RULES.default).current()
    assert set(served.queues) == {"inquiry", "problem", "complaint", "suggestion", "urgent", "aftersales", "night"}


def test_an_unchanged_file_costs_a_stat(tmp_path):
    from routing.rules import RULES

    live = LiveFile(RULES, RULES.default)
    live.current()
    start = time.perf_counter()
    for _ in range(2000):
        live.current()
    per_call = (time.perf_counter() - start) / 2000
    assert per_call < 0.0005, f"{per_call * 1e6:.1f} µs per current()"
