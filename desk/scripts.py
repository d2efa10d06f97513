"""The desk's standard phrases (scripts.yaml), validated on load, and filled in for one call.

Plain Python: no Flask or database, so an operator's edit can be checked alone
(`hotline desk check-scripts FILE`) and the rules tested without a server.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

DEFAULT_PATH = Path(__file__).with_name("scripts.yaml")
LANGUAGES = ("zh-CN", "en-US")
REQUIRED_SITUATIONS = ("greeting", "upset_caller", "cannot_solve_now", "closing")
PLACEHOLDERS = frozenset({"company", "agent", "customer", "ticket", "promised", "issue"})


class ScriptsError(ValueError):
    """The scripts file is wrong; the message reads `file:line: field: what is wrong`."""


@dataclass(frozen=True)
class Situation:
    name: str
    label: Mapping[str, str]
    phrases: tuple[Mapping[str, str], ...]


@dataclass(frozen=True)
class Scripts:
    situations: Mapping[str, Situation]

    def for_call(self, language: str, values: Mapping[str, str]) -> list[dict]:
        """Every situation with its phrases in `language`, placeholders filled from `values`."""
        language = language if language in LANGUAGES else LANGUAGES[0]
        filler = _Filler(values)
        return [{"name": s.name, "label": s.label[language],
                 "phrases": [string.Formatter().vformat(p[language], (), filler) for p in s.phrases]}
                for s in self.situations.values()]


class _Filler(dict):
    """Unknown values stay visible as a bracketed hint instead of failing the page."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__({k: v for k, v in values.items() if v})

    def __missing__(self, key: str) -> str:
        return f"[{key}]"


def suggested_situation(phase: str, category: str | None) -> str:
    """Which phrases to open first: greeting while it rings, closing in wrap-up, calm words for complaints."""
    if phase == "offered":
        return "greeting"
    if phase == "wrap_up":
        return "closing"
    if phase == "live" and category == "complaint":
        return "upset_caller"
    return "greeting" if phase == "live" else "closing"


def load_scripts(path: Path | None = None) -> Scripts:
    path = Path(path or DEFAULT_PATH)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptsError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_scripts(text, str(path))


def parse_scripts(text: str, source: str = "scripts.yaml") -> Scripts:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ScriptsError(f"{source}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None

    def fail(node: yaml.Node | None, field: str, message: str) -> ScriptsError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ScriptsError(f"{source}:{line}: {field}: {message}")

    top = _mapping(root, "situations", fail)
    if "situations" not in top:
        raise fail(root, "situations", "required: a mapping of situation name to label and phrases")
    situations: dict[str, Situation] = {}
    for name, node in _mapping(top["situations"][1], "situations", fail).items():
        key_node, value = node
        where = f"situations.{name}"
        fields = _mapping(value, where, fail)
        unknown = set(fields) - {"label", "phrases"}
        if unknown:
            raise fail(fields[sorted(unknown)[0]][0], f"{where}.{sorted(unknown)[0]}", "unknown field")
        if "label" not in fields:
            raise fail(key_node, f"{where}.label", "required, a text per language")
        label = _texts(fields["label"][1], f"{where}.label", fail)
        if "phrases" not in fields or not isinstance(fields["phrases"][1], yaml.SequenceNode) \
                or not fields["phrases"][1].value:
            raise fail(fields.get("phrases", (key_node,))[0], f"{where}.phrases", "required, a non-empty list")
        phrases = tuple(_texts(item, f"{where}.phrases[{i}]", fail)
                        for i, item in enumerate(fields["phrases"][1].value))
        situations[name] = Situation(name, label, phrases)
    for name in REQUIRED_SITUATIONS:
        if name not in situations:
            raise fail(top["situations"][0], f"situations.{name}", "missing: the manuals require this situation")
    return Scripts(situations)


def _mapping(node, where: str, fail) -> dict[str, tuple]:
    if not isinstance(node, yaml.MappingNode):
        raise fail(node, where, "expected a mapping")
    result: dict[str, tuple] = {}
    for key, value in node.value:
        if key.value in result:
            raise fail(key, f"{where}.{key.value}", "appears twice")
        result[key.value] = (key, value)
    return result


def _texts(node, where: str, fail) -> dict[str, str]:
    fields = _mapping(node, where, fail)
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        if language not in fields:
            raise fail(node, f"{where}.{language}", "missing translation")
        value = fields[language][1]
        if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
            raise fail(value, f"{where}.{language}", "expected a non-empty text")
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(value.value) if n is not None}
        except ValueError as exc:
            raise fail(value, f"{where}.{language}", f"broken placeholder ({exc})") from None
        wrong = names - PLACEHOLDERS
        if wrong:
            raise fail(value, f"{where}.{language}",
                       f"unknown placeholder {{{sorted(wrong)[0]}}}; known: {', '.join(sorted(PLACEHOLDERS))}")
        texts[language] = value.value
    extra = set(fields) - set(LANGUAGES)
    if extra:
        raise fail(fields[sorted(extra)[0]][0], f"{where}.{sorted(extra)[0]}",
                   f"unknown language; use {' and '.join(LANGUAGES)}")
    return texts
