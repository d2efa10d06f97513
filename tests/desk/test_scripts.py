"""The scripts file: the shipped one is complete; broken edits are refused with file, line, field."""
import pytest

from desk.scripts import REQUIRED_SITUATIONS, ScriptsError, load_scripts, parse_scripts, suggested_situation

GOOD = """\
situations:
  greeting:
    label: {zh-CN: 问候, en-US: Greeting}
    phrases:
      - {zh-CN: "您好，这里是{company}", en-US: "Hello, this is {company}"}
  upset_caller:
    label: {zh-CN: 情绪, en-US: Upset}
    phrases: [{zh-CN: 理解, en-US: I understand}]
  cannot_solve_now:
    label: {zh-CN: 稍后, en-US: Later}
    phrases: [{zh-CN: "工单{ticket}", en-US: "ticket {ticket}"}]
  closing:
    label: {zh-CN: 结束, en-US: Closing}
    phrases: [{zh-CN: 感谢, en-US: Thanks}]
"""


def test_the_shipped_file_has_every_situation_in_both_languages():
    scripts = load_scripts()
    assert tuple(scripts.situations) == REQUIRED_SITUATIONS
    zh = scripts.for_call("zh-CN", {"company": "热线服务中心", "agent": "王芳"})
    assert zh[0]["phrases"][0] == "您好，这里是热线服务中心客户服务，我是客服王芳，很高兴为您服务，请问有什么可以帮您？"
    en = scripts.for_call("en-US", {"company": "Hotline Service Center", "agent": "Fang", "customer": "Ms Wang"})
    assert en[1]["label"] == "Upset caller" and en[1]["phrases"][0].startswith("Ms Wang, I understand")


def test_missing_values_stay_visible_as_hints():
    phrases = parse_scripts(GOOD).for_call("en-US", {})[2]["phrases"]
    assert phrases == ["ticket [ticket]"]


@pytest.mark.parametrize("broken,where", [
    (GOOD.replace("en-US: Greeting", "fr-FR: Bonjour"), "3: situations.greeting.label.en-US: missing translation"),
    (GOOD.replace('"Hello, this is {company}"', '"Hello {boss}"'),
     "5: situations.greeting.phrases[0].en-US: unknown placeholder {boss}"),
    (GOOD.replace("    phrases: [{zh-CN: 理解, en-US: I understand}]", "    phrases: []"),
     "8: situations.upset_caller.phrases: required, a non-empty list"),
    (GOOD.replace("  closing:", "  goodbye:"), "1: situations.closing: missing: the manuals require"),
    (GOOD.replace("      - {zh-CN:", "      - {zh-CN: [}"), "5: not valid YAML"),
    (GOOD.replace("    label: {zh-CN: 稍后, en-US: Later}", "    label: {zh-CN: 稍后, en-US: Later}\n    tone: calm"),
     "11: situations.cannot_solve_now.tone: unknown field"),
])
def test_a_broken_file_names_its_line_and_field(broken, where):
    with pytest.raises(ScriptsError) as excinfo:
        parse_scripts(broken, "ops/scripts.yaml")
    assert str(excinfo.value).startswith(f"ops/scripts.yaml:{where}")


@pytest.mark.parametrize("phase,category,situation", [
    ("offered", None, "greeting"), ("live", "inquiry", "greeting"), ("live", "complaint", "upset_caller"),
    ("wrap_up", "complaint", "closing"), ("idle", None, "closing")])
def test_the_situation_suggested_for_the_moment(phase, category, situation):
    assert suggested_situation(phase, category) == situation


def test_an_edit_is_picked_up_and_a_broken_edit_keeps_the_last_good(tmp_path):
    import os

    from desk.scripts import SCRIPTS
    from hotline.data_files import LiveFile

    path = tmp_path / "scripts.yaml"
    path.write_text(GOOD, encoding="utf-8")
    store = LiveFile(SCRIPTS, path)
    path.write_text(GOOD.replace("感谢", "谢谢您"), encoding="utf-8")
    os.utime(path, (1, 1))
    assert store.current().for_call("zh-CN", {})[3]["phrases"] == ["谢谢您"]
    path.write_text("situations: [", encoding="utf-8")
    os.utime(path, (2, 2))
    assert store.current().for_call("zh-CN", {})[3]["phrases"] == ["谢谢您"]
    assert "not valid YAML" in store.last_error


def test_check_scripts_command(runner, tmp_path):
    assert "4 situations" in runner.invoke(args=["desk", "check-scripts"]).output
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("  closing:", "  goodbye:"), encoding="utf-8")
    result = runner.invoke(args=["desk", "check-scripts", str(bad)])
    assert result.exit_code != 0 and "situations.closing: missing" in result.output
