"""Menus as data: the default tree passes every check; broken files are refused with file, line
and field; edits are picked up without a restart and a broken edit keeps the last good tree."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from hotline import create_app
from ivr.menu_check import check_menu
from ivr.menu_loader import MenuError, load_menu, parse_menu
from ivr.menu_store import DEFAULT_MENU_PATH

DEFAULT_TEXT = DEFAULT_MENU_PATH.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def broken(replace: str, with_: str) -> str:
    assert replace in DEFAULT_TEXT
    return DEFAULT_TEXT.replace(replace, with_, 1)


def test_default_tree_loads_with_no_problem_at_all():
    tree = load_menu(DEFAULT_MENU_PATH)
    assert check_menu(tree) == []
    assert set(tree.nodes) == {"language", "main", "aftersales"}
    assert [o.key for o in tree.nodes["main"].options] == ["1", "2", "3", "4", "5", "6", "0"]


BROKEN_FILES = [
    # (what is changed, into what, the field named, words in the message, the line it names)
    ('        queue: complaint\n', '        queue: complaints\n', "nodes.main.options[2].queue", "unknown queue",
     "queue: complaints", 0),
    ('      en-US: "For English, press 2."\n', '', "nodes.language.prompt", "missing translation for en-US",
     "  language:", 1),
    ('      - key: "2"\n        words: {zh-CN: [故障', '      - key: "1"\n        words: {zh-CN: [故障',
     "nodes.main.options[1].key", "duplicate key '1'", "words: {zh-CN: [故障", -1),
    ('        goto: aftersales\n', '        goto: after_sales\n', "nodes.main.options[4].goto",
     "unknown node 'after_sales'", "goto: after_sales", 0),
    ('        priority: 10\n', '        priority: urgent\n', "nodes.main.options[3].priority",
     "expected a whole number", "priority: urgent", 0),
    ('      - key: "0"\n', '      - key: "*"\n', "nodes.main.options[6].key", "reserved", 'key: "*"', 0),
    ('        ticket_status: {}\n', '        ticket_status: {}\n        goto: main\n', "nodes.aftersales.options[0]",
     "exactly one action", "words: {zh-CN: [查询", -1),
]


@pytest.mark.parametrize("old,new,field,words,line_text,offset", BROKEN_FILES)
def test_broken_files_are_refused_naming_file_line_and_field(tmp_path, old, new, field, words, line_text, offset):
    path = tmp_path / "menu.yaml"
    text = broken(old, new)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MenuError) as refused:
        load_menu(path)
    assert f"{path}:{line_of(text, line_text) + offset}: {field}: " in str(refused.value)
    assert any(words in p for p in refused.value.problems if f": {field}: " in p), refused.value.problems


def test_duplicate_yaml_keys_are_caught_not_silently_overwritten(tmp_path):
    text = broken("  aftersales:\n", "  main:\n    prompt: {zh-CN: 重复, en-US: again}\n    options: []\n  aftersales:\n")
    tree, problems = parse_menu(text, "menu.yaml")
    assert any("nodes.main: duplicate key" in p for p in problems), problems


def test_not_yaml_names_the_line(tmp_path):
    _, problems = parse_menu("languages: [zh-CN\nstart: main\n", "bad.yaml")
    assert problems[0].startswith("bad.yaml:") and "not valid YAML" in problems[0]


MINIMAL_PHRASES = "\n".join(f"  {name}: {{zh-CN: 中, en-US: en}}" for name in (
    "sorry", "transferring", "after_hours_voicemail", "voicemail_prompt", "voicemail_thanks", "voicemail_missed",
    "ticket_prompt", "ticket_not_found", "ticket_status", "ticket_promised", "ticket_last_update",
    "ticket_options", "goodbye", "ticket_confirm_prompt", "ticket_confirm_wrong", "ticket_too_many"))


def small_tree(nodes: str) -> str:
    return ("languages: [zh-CN, en-US]\nstart: a\nknown_caller_start: a\n"
            "greeting: {zh-CN: 您好, en-US: Hello}\ngreeting_known: {zh-CN: 您好, en-US: Hello}\n"
            f"phrases:\n{MINIMAL_PHRASES}\nnodes:\n{nodes}")


def test_graph_checks_find_unreachable_nodes_dead_ends_and_cycles_with_no_exit():
    text = small_tree(
        "  a:\n    prompt: {zh-CN: 甲, en-US: A}\n    options:\n"
        "      - {key: '1', goto: b}\n      - {key: '2', goto: d}\n"
        "  b:\n    prompt: {zh-CN: 乙, en-US: B}\n    options:\n      - {key: '1', goto: c}\n"
        "  c:\n    prompt: {zh-CN: 丙, en-US: C}\n    options:\n      - {key: '1', goto: b}\n"
        "  d:\n    prompt: {zh-CN: 丁, en-US: D}\n"
        "  lonely:\n    prompt: {zh-CN: 孤, en-US: Alone}\n    options:\n      - {key: '1', queue: inquiry}\n")
    tree, problems = parse_menu(text, "t.yaml")
    assert problems == []
    found = {p.message.split(": ", 2)[1]: (p.severity, p.message) for p in check_menu(tree)}
    assert found["nodes.lonely"][0] == "warning" and "unreachable" in found["nodes.lonely"][1]
    assert found["nodes.d"][0] == "error" and "dead end" in found["nodes.d"][1]
    assert "cycle with no exit: b -> c -> b" in found["nodes.b"][1]
    assert found["nodes.c"][0] == "error"
    # a (which leads only into the trap and the dead end) has no way out either
    assert "no path leads out" in found["nodes.a"][1]
    assert found["nodes.d"][1].startswith(f"t.yaml:{line_of(text, '  d:')}:")


def test_a_loop_with_an_exit_is_fine():
    text = small_tree(
        "  a:\n    prompt: {zh-CN: 甲, en-US: A}\n    options:\n"
        "      - {key: '1', goto: b}\n      - {key: '0', queue: inquiry}\n"
        "  b:\n    prompt: {zh-CN: 乙, en-US: B}\n    options:\n      - {key: '1', goto: a}\n"
        "      - {key: '2', info: {zh-CN: 营业时间, en-US: Our hours}}\n")
    tree, problems = parse_menu(text, "t.yaml")
    assert problems == [] and check_menu(tree) == []


def test_cli_check_passes_the_default_tree(runner):
    result = runner.invoke(args=["ivr", "check"])
    assert result.exit_code == 0, result.output
    assert "OK (3 nodes, 0 warning(s))" in result.output


def test_cli_check_fails_a_broken_file_listing_every_problem(runner, tmp_path):
    path = tmp_path / "menu.yaml"
    text = broken('        queue: complaint\n', '        queue: complaints\n')
    text = text.replace('      en-US: "For English, press 2."\n', "")
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["ivr", "check", str(path)])
    assert result.exit_code == 1
    assert f"error: {path}:" in result.output
    assert "unknown queue 'complaints'" in result.output
    assert "missing translation for en-US" in result.output


def test_cli_check_reports_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["ivr", "check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1 and "cannot read" in result.output


def write_bumped(path: Path, text: str) -> None:
    """Write and move the mtime forward, as an operator's save a second later would."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def menu_file(tmp_path, settings, clock):
    path = tmp_path / "live-menu.yaml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    app = create_app(dataclasses.replace(settings, ivr_menu_path=path), clock=clock)
    yield path, app
    app.extensions["hotline.db"].engine.dispose()


def test_an_edit_is_served_without_a_restart(menu_file, twilio, caller):
    path, app = menu_file
    from tests.conftest import TwilioRequests

    requests = TwilioRequests(app.test_client(), twilio.settings)
    first = requests.post("/voice/incoming", requests.call_params("CA" + "e" * 32))
    assert "中文服务请按1" in first.get_data(as_text=True)
    write_bumped(path, DEFAULT_TEXT.replace("中文服务请按1。", "普通话服务请按1。"))
    second = requests.post("/voice/incoming", requests.call_params("CA" + "f" * 32))
    assert "普通话服务请按1" in second.get_data(as_text=True)


def test_a_broken_edit_keeps_the_last_good_tree_and_logs_why(menu_file, twilio, caplog):
    path, app = menu_file
    from tests.conftest import TwilioRequests

    requests = TwilioRequests(app.test_client(), twilio.settings)
    write_bumped(path, broken('        queue: complaint\n', '        queue: complaints\n'))
    with caplog.at_level("ERROR", logger="hotline.data_files"):
        answer = requests.post("/voice/incoming", requests.call_params("CA" + "d" * 32))
    assert answer.status_code == 200 and "中文服务请按1" in answer.get_data(as_text=True)
    assert any("unknown queue 'complaints'" in r.getMessage() and str(path) in r.getMessage() for r in caplog.records)
    assert app.extensions["hotline.ivr_menu"].last_error
    # the caller walks on through the last good tree: 3 still means complaints
    call = requests.post("/voice/ivr/choose?node=main&lang=zh-CN", requests.call_params("CA" + "d" * 32, Digits="3"))
    assert "queue=complaint&amp;" in call.get_data(as_text=True)
    # fixing the file is picked up again
    write_bumped(path, DEFAULT_TEXT.replace("中文服务请按1。", "中文请按1。"))
    again = requests.post("/voice/incoming", requests.call_params("CA" + "c" * 32, From="+8613911112222"))
    assert "中文请按1" in again.get_data(as_text=True)
    assert app.extensions["hotline.ivr_menu"].last_error is None


def test_a_broken_file_at_start_up_serves_the_default_menu(tmp_path, settings, clock):
    path = tmp_path / "menu.yaml"
    path.write_text("nodes: [this is not a menu\n", encoding="utf-8")
    app = create_app(dataclasses.replace(settings, ivr_menu_path=path), clock=clock)
    try:
        store = app.extensions["hotline.ivr_menu"]
        assert set(store.current().nodes) == {"language", "main", "aftersales"}
        assert "not valid YAML" in store.last_error
    finally:
        app.extensions["hotline.db"].engine.dispose()


def test_a_node_removed_mid_call_starts_the_caller_again(app, twilio):
    response = twilio.post("/voice/ivr/choose?node=gone&lang=en-US", twilio.call_params(Digits="1"))
    assert response.status_code == 200
    assert b"node=main" in response.data and b"How can I help you" in response.data
