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

from hotline.data_files import DataError, DataFile, Reader, read

DEFAULT_PATH = Path(__file__).with_name("scripts.yaml")
LANGUAGES = ("zh-CN", "en-US")
REQUIRED_SITUATIONS = ("greeting", "upset_caller", "cannot_solve_now", "closing")
PLACEHOLDERS = frozenset({"company", "agent", "customer", "ticket", "promised", "issue"})


ScriptsError = DataError  # the scripts file is wrong: `file:line: field: what is wrong`, one per line

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
    """The scripts in `path` (default: the shipped file), or `ScriptsError` listing every problem."""
    return SCRIPTS.load(path)


def parse_scripts(text: str, source: str = "scripts.yaml") -> Scripts:
    scripts, problems = read(text, source, _parse)
    if problems or scripts is None:
        raise ScriptsError(problems or [f"{source}:1: situations: the file is empty"])
    return scripts


def _parse(reader: Reader, root: yaml.Node | None) -> Scripts | None:
    top = reader.mapping(root, "", known=("situations",), required=("situations",),
                         what="expected situations: a mapping of situation name to label and phrases")
    raw = reader.mapping(top["situations"], "situations") if top and "situations" in top else None
    if raw is None:
        return None
    situations: dict[str, Situation] = {}
    for name, node in raw.items():
        where = f"situations.{name}"
        fields = reader.mapping(node, where, known=("label", "phrases"), required=("label", "phrases"))
        if fields is None:
            continue
        label = _texts(reader, fields["label"], f"{where}.label") if "label" in fields else {}
        items = (reader.sequence(fields["phrases"], f"{where}.phrases", non_empty=True,
                                 what="required, a non-empty list") if "phrases" in fields else None)
        phrases = tuple(_texts(reader, item, f"{where}.phrases[{i}]") for i, item in enumerate(items or []))
        situations[name] = Situation(name, label, phrases)
    for name in REQUIRED_SITUATIONS:
        if name not in situations:
            reader.fail_at(reader.lines["situations"], f"situations.{name}",
                           "missing: the manuals require this situation")
    return Scripts(situations)


def _texts(reader: Reader, node: yaml.Node, where: str) -> dict[str, str]:
    return reader.texts(node, where, LANGUAGES, allowed=PLACEHOLDERS)


SCRIPTS: DataFile[Scripts] = DataFile("desk scripts", DEFAULT_PATH, _parse, setting="desk_scripts_path")
