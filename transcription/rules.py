"""Loading and validating qa_rules.yaml; errors name the file, the line and the field."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hotline.data_files import DataError, DataFile, Reader
from transcription.script_checks import REQUIRED_STEPS, SCRIPT_ORDER

DEFAULT_RULES_PATH = Path(__file__).with_name("qa_rules.yaml")
LANGUAGES = ("zh-CN", "en-US")
SCRIPT_STEPS = SCRIPT_ORDER  # required: REQUIRED_STEPS; the others may be left out (not scored)


RulesError = DataError  # the QA rules or scorecard are wrong: `file:line: field: problem`, one per line

@dataclass(frozen=True)
class QaRules:
    data: dict[str, Any]
    source: str

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def load_rules(path: Path | None = None) -> QaRules:
    """The QA rules in `path` (default: the shipped file), or `RulesError` listing every problem."""
    return RULES.load(path)


def _phrases(reader: Reader, node: yaml.Node | None, where: str) -> None:
    items = reader.mapping(node, where, what=f"expected phrases per language ({', '.join(LANGUAGES)})")
    if not items:
        if items is not None:
            reader.fail(node, where, f"expected phrases per language ({', '.join(LANGUAGES)})")
        return
    for language, value in items.items():
        if language not in LANGUAGES:
            reader.fail_at(reader.lines[f"{where}.{language}"], f"{where}.{language}",
                           f"unknown language; use {' or '.join(LANGUAGES)}")
            continue
        for index, phrase in enumerate(reader.sequence(value, f"{where}.{language}",
                                                       what="expected a list of non-empty phrases") or []):
            reader.text(phrase, f"{where}.{language}[{index}]", "expected a non-empty phrase")


def parse_rules(reader: Reader, root: yaml.Node | None) -> QaRules | None:
    top = reader.mapping(root, "", what="expected a mapping at the top")
    if top is None:
        return None
    channels = reader.value(top.get("channels"))
    if not (isinstance(channels, list) and set(channels) <= {"agent", "caller"} and len(channels) == 2):
        reader.fail(top.get("channels"), "channels", "expected [caller, agent] or [agent, caller]")
    script = reader.mapping(top["script"], "script") if "script" in top else {}
    for name in sorted(set(script or {}) - set(SCRIPT_STEPS)):
        reader.fail(script[name], f"script.{name}", f"unknown step; the steps are {', '.join(SCRIPT_STEPS)}")
    for step in SCRIPT_STEPS:
        where = f"script.{step}"
        # Who hung up first is a fact of the call, not words: that step has a weight and nothing to hear.
        needs = ("weight",) if step == "waits_for_caller" else ("phrases", "weight")
        fields = (reader.mapping(script[step], where, required=needs)
                  if script is not None and step in script else None)
        if fields is None:
            if script is not None and step not in script and step in REQUIRED_STEPS:
                reader.fail(top.get("script"), where, "missing; every script step needs phrases and a weight")
            continue
        if "phrases" in fields:
            _phrases(reader, fields["phrases"], f"{where}.phrases")
        if "weight" in fields:
            reader.number(fields["weight"], f"{where}.weight", 0, what="expected a number of points, 0 or more")
        groups = reader.mapping(fields["must_also"], f"{where}.must_also") if "must_also" in fields else {}
        for group, node in (groups or {}).items():
            _phrases(reader, node, f"{where}.must_also.{group}")
    forbidden = reader.mapping(top["forbidden_phrases"], "forbidden_phrases") if "forbidden_phrases" in top else {}
    if forbidden is not None:
        _phrases(reader, forbidden.get("phrases"), "forbidden_phrases.phrases")
    keywords = reader.mapping(top["keywords"], "keywords") if "keywords" in top else {}
    for name, node in (keywords or {}).items():
        fields = reader.mapping(node, f"keywords.{name}")
        if fields is not None:
            _phrases(reader, fields.get("phrases"), f"keywords.{name}.phrases")
    sampling = reader.mapping(top["review_sampling"], "review_sampling") if "review_sampling" in top else {}
    if sampling and "random_share" in sampling:
        reader.number(sampling["random_share"], "review_sampling.random_share", 0, 1,
                      what="expected a share between 0 and 1")
    shares = (reader.mapping(sampling["category_shares"], "review_sampling.category_shares")
              if sampling and "category_shares" in sampling else {})
    for category, node in (shares or {}).items():
        reader.number(node, f"review_sampling.category_shares.{category}", 0, 1, what="expected a share between 0 and 1")
    if sampling and "score_below" in sampling:
        reader.number(sampling["score_below"], "review_sampling.score_below", what="expected a score 0-100")
    redaction = reader.mapping(top["redaction"], "redaction") if "redaction" in top else {}
    rules = reader.sequence(redaction["rules"], "redaction.rules") if redaction and "rules" in redaction else []
    for index, node in enumerate(rules or []):
        where = f"redaction.rules[{index}]"
        fields = reader.mapping(node, where, required=("name", "digits"))
        if fields is None:
            continue
        digits = reader.value(fields.get("digits"))
        if "digits" in fields and not (isinstance(digits, list) and len(digits) == 2
                                       and all(isinstance(d, int) for d in digits) and digits[0] <= digits[1]):
            reader.fail(fields["digits"], f"{where}.digits", "expected [fewest, most] digits")
        if "name" in fields:
            reader.text(fields["name"], f"{where}.name", "expected a name")
    data = reader.value(root)
    if not isinstance(data, dict):
        return None
    data.setdefault("talk", {})
    return QaRules(data, reader.source)


RULES: DataFile[QaRules] = DataFile("QA rules", DEFAULT_RULES_PATH, parse_rules, setting="qa_rules_path")
