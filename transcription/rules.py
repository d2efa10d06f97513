"""Loading and validating qa_rules.yaml; errors name the file, the line and the field."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_RULES_PATH = Path(__file__).with_name("qa_rules.yaml")
LANGUAGES = ("zh-CN", "en-US")
SCRIPT_STEPS = ("greeting", "identity", "summary", "thanks")


class RulesError(ValueError):
    pass


@dataclass(frozen=True)
class QaRules:
    data: dict[str, Any]
    source: str

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def _line(node: yaml.Node | None, path: list[str | int]) -> int | None:
    """Line (1-based) of the YAML node at `path`, for error messages."""
    for key in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return node.start_mark.line + 1 if node is not None else None


def load_rules(path: Path | None = None) -> QaRules:
    path = path or DEFAULT_RULES_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot read QA rules ({exc.strerror})") from None
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RulesError(f"{path}{f' line {mark.line + 1}' if mark else ''}: not valid YAML") from None

    def fail(where: list[str | int], message: str) -> None:
        line = _line(root, where)
        raise RulesError(f"{path}{f' line {line}' if line else ''}: {'.'.join(map(str, where))}: {message}")

    def phrases(where: list[str | int], value: Any) -> None:
        if not isinstance(value, dict) or not value:
            fail(where, f"expected phrases per language ({', '.join(LANGUAGES)})")
        for language, items in value.items():
            if language not in LANGUAGES:
                fail(where + [language], f"unknown language; use {' or '.join(LANGUAGES)}")
            if not isinstance(items, list) or not all(isinstance(p, str) and p.strip() for p in items):
                fail(where + [language], "expected a list of non-empty phrases")

    if not isinstance(data, dict):
        fail([], "expected a mapping at the top")
    channels = data.get("channels")
    if not (isinstance(channels, list) and set(channels) <= {"agent", "caller"} and len(channels) == 2):
        fail(["channels"], "expected [caller, agent] or [agent, caller]")
    script = data.get("script") or {}
    for step in SCRIPT_STEPS:
        if not isinstance(script.get(step), dict):
            fail(["script", step], "missing; every script step needs phrases and a weight")
        phrases(["script", step, "phrases"], script[step].get("phrases"))
        if not isinstance(script[step].get("weight"), (int, float)) or script[step]["weight"] < 0:
            fail(["script", step, "weight"], "expected a number of points, 0 or more")
    phrases(["forbidden_phrases", "phrases"], (data.get("forbidden_phrases") or {}).get("phrases"))
    for name, category in (data.get("keywords") or {}).items():
        phrases(["keywords", name, "phrases"], (category or {}).get("phrases"))
    sampling = data.get("review_sampling") or {}
    share = sampling.get("random_share", 0)
    if not isinstance(share, (int, float)) or not 0 <= share <= 1:
        fail(["review_sampling", "random_share"], "expected a share between 0 and 1")
    if not isinstance(sampling.get("score_below", 0), (int, float)):
        fail(["review_sampling", "score_below"], "expected a score 0-100")
    for index, rule in enumerate((data.get("redaction") or {}).get("rules") or []):
        digits = rule.get("digits") if isinstance(rule, dict) else None
        if not (isinstance(digits, list) and len(digits) == 2 and all(isinstance(d, int) for d in digits)
                and digits[0] <= digits[1]):
            fail(["redaction", "rules", index, "digits"], "expected [fewest, most] digits")
        if not isinstance(rule.get("name"), str):
            fail(["redaction", "rules", index, "name"], "expected a name")
    data.setdefault("talk", {})
    return QaRules(data, str(path))
