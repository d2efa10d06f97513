"""Reading a menu file into a `MenuTree`, refusing it with file, line and field when it is wrong."""
from __future__ import annotations

from pathlib import Path

import yaml

from ivr.menu_check import check_menu
from ivr.menu import ACTIONS, KEYS, LANGUAGES, REQUIRED_PHRASES, Action, MenuTree, Node, Option
from hotline.data_files import DataFile, read
from ivr.yaml_fields import FieldReader, MenuError

__all__ = ["MENU", "MenuError", "load_menu", "parse_menu"]


def _action(reader: FieldReader, fields: dict[str, yaml.Node], path: str, languages: tuple[str, ...],
            line_node: yaml.Node) -> Action | None:
    present = [name for name in ACTIONS if name in fields]
    if len(present) != 1:
        reader.fail(line_node, path, f"needs exactly one action of {', '.join(ACTIONS)}"
                    + (f" (found {', '.join(present)})" if present else ""))
        return None
    kind = present[0]
    value = fields[kind]
    if kind == "goto":
        target = reader.scalar(value, f"{path}.goto")
        return Action("goto", node=target) if target else None
    if kind == "queue":
        queue = reader.scalar(value, f"{path}.queue")
        priority = 1
        if "priority" in fields:
            raw = reader.scalar(fields["priority"], f"{path}.priority")
            if raw is not None and not (raw.isdigit() and 1 <= int(raw) <= 10):
                reader.fail(fields["priority"], f"{path}.priority", f"expected a whole number 1-10, got {raw!r}")
            elif raw is not None:
                priority = int(raw)
        return Action("queue", queue=queue, priority=priority) if queue else None
    if kind in ("ticket_status", "voicemail"):
        return Action(kind)
    text = reader.texts(value, f"{path}.{kind}", languages)
    then = reader.scalar(fields["then"], f"{path}.then") if "then" in fields else None
    return Action(kind, node=then, text=text)


_OPTION_FIELDS = set(ACTIONS) | {"key", "words", "language", "priority", "then"}


def _option(reader: FieldReader, node: yaml.Node, path: str, languages: tuple[str, ...]) -> Option | None:
    fields = reader.mapping(node, path)
    if fields is None:
        return None
    for name, value in fields.items():
        if name not in _OPTION_FIELDS:
            reader.fail(value, f"{path}.{name}", "unknown field")
    key = reader.scalar(fields["key"], f"{path}.key") if "key" in fields else None
    if key is not None and key not in KEYS:
        problem = "is reserved (* repeats, # goes back)" if key in ("*", "#") else "must be one digit 0-9"
        reader.fail(fields["key"], f"{path}.key", f"{key!r} {problem}")
        key = None
    words = reader.words(fields["words"], f"{path}.words") if "words" in fields else {}
    if "key" not in fields and not words:
        reader.fail(node, path, "needs a key or spoken words")
    language = reader.scalar(fields["language"], f"{path}.language") if "language" in fields else None
    if language is not None and language not in languages:
        reader.fail(fields["language"], f"{path}.language", f"unknown language {language!r}")
    action = _action(reader, fields, path, languages, node)
    if action is None:
        return None
    return Option(key=key, words=words, action=action, language=language, line=node.start_mark.line + 1)


def _node(reader: FieldReader, name: str, node: yaml.Node, languages: tuple[str, ...]) -> Node | None:
    path = f"nodes.{name}"
    fields = reader.mapping(node, path)
    if fields is None:
        return None
    for field_name, value in fields.items():
        if field_name not in ("prompt", "options"):
            reader.fail(value, f"{path}.{field_name}", "unknown field")
    if "prompt" not in fields:
        reader.fail(node, path, "missing field prompt")
    prompt = reader.texts(fields.get("prompt"), f"{path}.prompt", languages) if "prompt" in fields else {}
    options: list[Option] = []
    raw_options = fields.get("options")
    if raw_options is not None and not isinstance(raw_options, yaml.SequenceNode):
        reader.fail(raw_options, f"{path}.options", "expected a list of options")
    elif raw_options is not None:
        seen: dict[str, int] = {}
        for index, item in enumerate(raw_options.value):
            option = _option(reader, item, f"{path}.options[{index}]", languages)
            if option is None:
                continue
            if option.key is not None and option.key in seen:
                reader.fail(item, f"{path}.options[{index}].key",
                            f"duplicate key {option.key!r} (also options[{seen[option.key]}])")
                continue
            if option.key is not None:
                seen[option.key] = index
            options.append(option)
    return Node(name=name, prompt=prompt, options=tuple(options), line=reader.lines.get(path, node.start_mark.line + 1))


def parse_menu(text: str, source: str) -> tuple[MenuTree | None, list[str]]:
    """The tree and the structural problems found; the tree is None when it cannot be built at all."""
    return read(text, source, _parse_structure, FieldReader)


def _parse_structure(reader: FieldReader, document: yaml.Node | None) -> MenuTree | None:
    top = reader.mapping(document, "menu") if document is not None else None
    if top is None:
        if not reader.problems:
            reader.fail_at(1, "menu", "the file is empty")
        return None
    for name in ("languages", "start", "known_caller_start", "greeting", "greeting_known", "phrases", "nodes"):
        if name not in top:
            reader.fail(document, name, "missing field")
    for name, value in top.items():
        if name not in ("languages", "start", "known_caller_start", "greeting", "greeting_known", "phrases", "nodes"):
            reader.fail(value, name, "unknown field")
    languages: tuple[str, ...] = LANGUAGES
    if isinstance(top.get("languages"), yaml.SequenceNode):
        found = [reader.scalar(v, f"languages[{i}]") for i, v in enumerate(top["languages"].value)]
        languages = tuple(v for v in found if v)
        for index, language in enumerate(languages):
            if language not in LANGUAGES:
                reader.fail(top["languages"].value[index], f"languages[{index}]", f"unknown language {language!r}")
    elif "languages" in top:
        reader.fail(top["languages"], "languages", "expected a list like [zh-CN, en-US]")
    phrases: dict[str, dict[str, str]] = {}
    raw_phrases = reader.mapping(top["phrases"], "phrases") if "phrases" in top else None
    for name, value in (raw_phrases or {}).items():
        phrases[name] = reader.texts(value, f"phrases.{name}", languages)
    if raw_phrases is not None:
        for name in REQUIRED_PHRASES:
            if name not in raw_phrases:
                reader.fail(top["phrases"], f"phrases.{name}", "missing phrase")
    nodes: dict[str, Node] = {}
    raw_nodes = reader.mapping(top["nodes"], "nodes") if "nodes" in top else None
    for name, value in (raw_nodes or {}).items():
        built = _node(reader, name, value, languages)
        if built is not None:
            nodes[name] = built
    tree = MenuTree(
        source=reader.source,
        languages=languages,
        start=(reader.scalar(top["start"], "start") if "start" in top else None) or "",
        known_caller_start=(reader.scalar(top["known_caller_start"], "known_caller_start")
                            if "known_caller_start" in top else None) or "",
        greeting=reader.texts(top["greeting"], "greeting", languages) if "greeting" in top else {},
        greeting_known=reader.texts(top["greeting_known"], "greeting_known", languages)
        if "greeting_known" in top else {},
        phrases=phrases,
        nodes=nodes,
        lines=dict(reader.lines),
    )
    return tree


def _parse_checked(reader: FieldReader, document: yaml.Node | None) -> MenuTree | None:
    """The structure, then the whole-menu checks (reachability, dead ends, queues) as errors."""
    tree = _parse_structure(reader, document)
    if tree is not None:
        reader.problems.extend(p.message for p in check_menu(tree) if p.severity == "error")
    return tree


DEFAULT_MENU_PATH = Path(__file__).with_name("menu.yaml")
MENU = DataFile("IVR menu", DEFAULT_MENU_PATH, _parse_checked, setting="ivr_menu_path", reader_class=FieldReader)


def load_menu(path: Path) -> MenuTree:
    """A menu file that passes every check, or `MenuError` listing what is wrong with it."""
    return MENU.load(path)
