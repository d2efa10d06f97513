"""The revisit's words (voice prompts and SMS texts) from `revisits/scripts.yaml`, checked on load.

A missing entry, a language without it, or an unknown `{placeholder}` stops loading with an error
naming the file, line and field, before a customer can hear a broken sentence.
"""
from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import yaml

SCRIPTS_PATH = Path(__file__).with_name("scripts.yaml")
LANGUAGES = ("zh-CN", "en-US")
PLACEHOLDERS = frozenset({"company", "salutation", "ticket"})
ENTRIES = ("greeting", "ask_solved", "ask_score", "reopened", "invalid_key", "no_input", "transfer", "thanks",
           "goodbye_no_answer", "sms_survey", "sms_clarify", "sms_ask_score", "sms_reopened", "sms_thanks",
           "sms_opted_out", "sms_opted_in")


class ScriptError(ValueError):
    """scripts.yaml is wrong; the message names file, line and field."""


def _line_of(node: yaml.Node, language: str, entry: str | None = None) -> int | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if key.value == language:
            if entry is None:
                return key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode):
                for k, v in value.value:
                    if k.value == entry:
                        return v.start_mark.line + 1
            return key.start_mark.line + 1
    return None


def load_scripts(path: Path = SCRIPTS_PATH) -> dict[str, dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except OSError as exc:
        raise ScriptError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScriptError(f"{path}{f' line {mark.line + 1}' if mark else ''}: not valid YAML") from None
    if not isinstance(data, dict):
        raise ScriptError(f"{path}: expected a mapping of language to entries")
    scripts: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        entries = data.get(language)
        if not isinstance(entries, dict):
            raise ScriptError(f"{path}: {language}: missing (every entry must exist in zh-CN and en-US)")
        for entry in ENTRIES:
            where = f"{path} line {_line_of(node, language, entry) or '?'}: {language}.{entry}"
            value = entries.get(entry)
            if not isinstance(value, str) or not value.strip():
                raise ScriptError(f"{where}: missing or empty")
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
            except ValueError as exc:
                raise ScriptError(f"{where}: {exc}") from None
            unknown = names - PLACEHOLDERS
            if unknown:
                raise ScriptError(f"{where}: unknown placeholder {{{sorted(unknown)[0]}}} "
                                  f"(allowed: {', '.join(sorted(PLACEHOLDERS))})")
        scripts[language] = {entry: entries[entry] for entry in ENTRIES}
    return scripts


@lru_cache(maxsize=4)
def _cached(path: Path, mtime: int) -> dict[str, dict[str, str]]:
    return load_scripts(path)


def line(language: str, entry: str, **values: str) -> str:
    """The `entry` in `language` (zh-CN when unknown) with its placeholders filled."""
    scripts = _cached(SCRIPTS_PATH, SCRIPTS_PATH.stat().st_mtime_ns)
    table = scripts.get(language) or scripts["zh-CN"]
    filled = {"company": "", "salutation": "", "ticket": ""}
    filled.update(values)
    return table[entry].format(**filled)
