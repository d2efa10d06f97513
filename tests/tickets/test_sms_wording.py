"""SMS templates: validated on load with file, line and field; rendered in both languages."""
from pathlib import Path

import pytest

from tickets.sms_wording import TemplateError, load_templates


def test_shipped_templates_render_in_both_languages():
    templates = load_templates()
    zh = templates.render("created", "zh-CN", company="热线服务中心", number="GD20261124001",
                          promised="11月24日 12:00")
    en = templates.render("created", "en-US", company="Hotline", number="GD20261124001", promised="24 Nov 12:00")
    assert "工单编号GD20261124001" in zh and "11月24日 12:00前" in zh
    assert "case GD20261124001" in en and "by 24 Nov 12:00" in en


def _write(tmp_path: Path, text: str) -> Path:
    """The shipped file with the template `text` defines in place of the shipped one (a second
    definition of the same name would be a duplicate key)."""
    base = Path("tickets/sms_templates.yaml").read_text(encoding="utf-8")
    name = text.strip().split(":")[0]
    blocks = [b for b in base.split("\n\n") if not b.startswith(f"{name}:")]
    path = tmp_path / "sms.yaml"
    path.write_text("\n\n".join(blocks) + text, encoding="utf-8")
    return path


@pytest.mark.parametrize("extra,message", [
    ('\nresolved:\n  zh-CN: "工单{number}{numbr}"\n  en-US: "case {number}"\n', "resolved.zh-CN: unknown placeholder {numbr}"),
    ('\ncallback:\n  zh-CN: "回电"\n  en-US: "case {number}"\n', "callback.zh-CN: must mention {number}"),
    ('\nresolved:\n  zh-CN: "工单{number}"\n', "resolved.en-US: missing translation"),
    ('\nresolved:\n  zh-CN: "工单{number}"\n  fr-FR: "dossier {number}"\n', "resolved.fr-FR: unknown language"),
    ('\nthanks:\n  zh-CN: "谢谢"\n', "thanks: unknown template"),
])
def test_mistakes_name_file_line_and_field(tmp_path, extra, message):
    path = _write(tmp_path, extra)
    with pytest.raises(TemplateError) as excinfo:
        load_templates(path)
    field = message.split(":")[0]
    expected = f"{path}:{_line_of(path, field)}: {message}"
    assert any(problem.startswith(expected) for problem in excinfo.value.problems), excinfo.value.problems


def _line_of(path: Path, field: str) -> int:
    """The line an operator looks at for `field` (`name` or `name.language`): its key's line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    name, _, language = field.partition(".")
    at = lines.index(f"{name}:")
    if language and any(lines[i].strip().startswith(f"{language}:") for i in range(at, len(lines))):
        at = next(i for i in range(at, len(lines)) if lines[i].strip().startswith(f"{language}:"))
    return at + 1


def test_operators_check_a_file_from_the_command_line(runner, tmp_path):
    assert runner.invoke(args=["tickets", "check-templates"]).output.startswith("ok: 22 texts")
    broken = _write(tmp_path, '\nresolved:\n  zh-CN: "工单{number}{numbr}"\n  en-US: "case {number}"\n')
    result = runner.invoke(args=["tickets", "check-templates", str(broken)])
    assert result.exit_code != 0 and "unknown placeholder {numbr}" in result.output


def test_sweep_from_the_command_line(runner):
    assert runner.invoke(args=["tickets", "sweep"]).output.strip() == "checked 0, flagged 0"  # stale SMS: messaging-sweep-outbox
