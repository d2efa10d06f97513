"""supervision/targets.yaml: read through the one loader (hotline.data_files), every problem named
by file, line and field for `hotline check`, and the targets an edit sets reach the KPI pack."""
from __future__ import annotations

import os
from pathlib import Path

from supervision.targets import TARGETS, Target


def test_the_shipped_targets_are_the_manuals():
    targets = TARGETS.load()
    assert targets.of("satisfaction") == Target("at_least", 0.9)
    assert targets.of("revisit_closure") == Target("at_least", 0.95)
    assert targets.of("first_contact_resolution") == Target("at_least", 0.8)
    assert targets.of("sla_response:urgent") == targets.of("sla_compliance")
    assert targets.repeat_contact_days == 7 and targets.staffing.shrinkage == 0.3


def test_every_problem_is_named(tmp_path):
    bad = tmp_path / "targets.yaml"
    bad.write_text("targets:\n  satisfaction: {at_least: 0.9, at_most: 1}\n  happiness: {at_least: 1}\n"
                   "  answer_rate: {at_least: lots}\nrepeat_contact_days: 0\nstaffing:\n  shrinkage: 0.95\n",
                   encoding="utf-8")
    _, problems = TARGETS.check(bad)
    assert f"{bad}:2: targets.satisfaction: expected exactly one of at_least, at_most" in problems
    assert any(p.startswith(f"{bad}:3: targets.happiness: unknown field") for p in problems)
    assert any(p.startswith(f"{bad}:4: targets.answer_rate.at_least:") for p in problems)
    assert any(p.startswith(f"{bad}:5: repeat_contact_days:") for p in problems)
    assert any(p.startswith(f"{bad}:7: staffing.shrinkage:") for p in problems)
    assert len(problems) == 5


def test_hotline_check_reads_an_edited_copy(runner, tmp_path):
    edited = tmp_path / "edits" / "supervision"
    edited.mkdir(parents=True)
    (edited / "targets.yaml").write_text("targets:\n  service_level: {at_least: 2}\n", encoding="utf-8")
    result = runner.invoke(args=["check", "--tree", str(tmp_path / "edits")])
    assert result.exit_code == 1, result.output
    assert f"{edited / 'targets.yaml'}:2: targets.service_level.at_least: expected a number 0-1, got 2" \
        in result.output
    assert f"{edited / 'targets.yaml'}:2: targets.service_level.at_least:" in result.output


def test_an_edit_reaches_the_pack(app, api, tmp_path):
    path = Path(app.extensions["supervision.targets"].path)
    today = api.get("/api/metrics/kpis").get_json()["rows"]  # nothing happened today: one row, no figures
    assert len(today) == 1 and {f["value"] for f in today[0]["figures"].values()} == {None}
    live = app.extensions["supervision.targets"]
    edited = tmp_path / "targets.yaml"
    edited.write_text("targets:\n  satisfaction: {at_least: 0.5}\n", encoding="utf-8")
    live.path = edited
    with app.app_context():
        from supervision.targets import current_targets

        assert current_targets().of("satisfaction") == Target("at_least", 0.5)
        edited.write_text("targets: [\n", encoding="utf-8")
        os.utime(edited, ns=(1, 1))
        assert current_targets().of("satisfaction") == Target("at_least", 0.5)  # the last good kept
    live.path = path
