"""The revisit's words (voice prompts and SMS texts) from `revisits/scripts.yaml`, checked on load.

A missing entry, a language without it, or an unknown `{placeholder}` stops loading with an error
naming the file, line and field, before a customer can hear a broken sentence.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from hotline.data_files import DataError, DataFile, LiveFile, Reader

SCRIPTS_PATH = Path(__file__).with_name("scripts.yaml")
LANGUAGES = ("zh-CN", "en-US")
PLACEHOLDERS = frozenset({"company", "salutation", "ticket", "date", "problem", "when"})
ENTRIES = ("greeting", "ask_convenient", "rescheduled_call", "rescheduled_sms", "ask_solved", "ask_score", "reopened", "invalid_key", "no_input", "transfer", "thanks",
           "ask_words", "words_thanks",
           "goodbye_no_answer", "sms_survey", "sms_clarify", "sms_ask_score", "sms_reopened", "sms_thanks",
           "sms_opted_out", "sms_opted_in")


ScriptError = DataError  # scripts.yaml is wrong: `file:line: field: problem`, one per line


def parse_scripts(reader: Reader, root: yaml.Node | None) -> dict[str, dict[str, str]] | None:
    top = reader.mapping(root, "", known=LANGUAGES, what="expected a mapping of language to entries")
    if top is None:
        return None
    scripts: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        if language not in top:
            reader.fail(root, language, "missing (every entry must exist in zh-CN and en-US)")
            continue
        entries = reader.mapping(top[language], language, required=ENTRIES)
        if entries is None:
            continue
        for name, node in entries.items():
            where = f"{language}.{name}"
            if name not in ENTRIES:
                reader.fail_at(reader.lines[where], where, f"unknown entry; entries are {', '.join(ENTRIES)}")
                continue
            text = reader.template(node, where, PLACEHOLDERS, what="missing or empty")
            if text is not None:
                scripts.setdefault(language, {})[name] = text
    return scripts


SCRIPTS: DataFile[dict[str, dict[str, str]]] = DataFile("revisit scripts", SCRIPTS_PATH, parse_scripts)
_live = LiveFile(SCRIPTS)  # this process's copy: re-read when the file changes, the last good kept


def load_scripts(path: Path = SCRIPTS_PATH) -> dict[str, dict[str, str]]:
    """The scripts in `path`, or `ScriptError` listing every problem."""
    return SCRIPTS.load(path)


def line(language: str, entry: str, **values: str) -> str:
    """The `entry` in `language` (zh-CN when unknown) with its placeholders filled."""
    scripts = _live.current()
    table = scripts.get(language) or scripts["zh-CN"]
    filled = dict.fromkeys(PLACEHOLDERS, "")
    filled.update(values)
    return table[entry].format(**filled)
