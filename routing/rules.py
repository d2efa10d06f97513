"""Queue rules from YAML (routing/queues.yaml or QUEUE_RULES_PATH), validated on load.

Every error names the file, the line and the field, so an operator who mistypes a level or a
strategy sees exactly where before a single caller is routed by the wrong rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

STRATEGIES = ("longest-idle", "round-robin", "fewest-calls")
QUEUE_NAMES = ("inquiry", "problem", "complaint", "urgent", "aftersales", "night")
DEFAULT_PATH = Path(__file__).with_name("queues.yaml")


class QueueRulesError(ValueError):
    """The rules file is wrong; the message reads `file:line: field: what is wrong`."""


@dataclass(frozen=True)
class EscalationStep:
    after_seconds: int
    min_level: int | None = None
    fallback_skill: str | None = None
    fallback_min_level: int = 1


@dataclass(frozen=True)
class QueueRule:
    name: str
    skill: str
    min_level: int
    priority: int
    strategy: str
    wrap_up_seconds: int
    escalation: tuple[EscalationStep, ...] = ()


@dataclass(frozen=True)
class QueueRules:
    queues: dict[str, QueueRule]
    vip_boost: int = 5

    def get(self, name: str) -> QueueRule | None:
        return self.queues.get(name)


class _Loader(yaml.SafeLoader):
    """Keeps each mapping's line numbers so errors can point at them."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    lines = {key_node.value: key_node.start_mark.line + 1 for key_node, _ in node.value
             if isinstance(key_node, yaml.ScalarNode)}
    return _Located(mapping, lines, node.start_mark.line + 1)


class _Located(dict):
    def __init__(self, data: dict, lines: dict[str, int], line: int) -> None:
        super().__init__(data)
        self.lines = lines
        self.line = line

    def line_of(self, field: str) -> int:
        return self.lines.get(field, self.line)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_rules(path: Path | None = None) -> QueueRules:
    path = Path(path or DEFAULT_PATH)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueueRulesError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise QueueRulesError(f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    return parse_rules(data, str(path))


def parse_rules(data: Any, source: str) -> QueueRules:
    def fail(node: Any, field: str, message: str) -> QueueRulesError:
        line = node.line_of(field.split(".")[-1]) if isinstance(node, _Located) else 1
        return QueueRulesError(f"{source}:{line}: {field}: {message}")

    if not isinstance(data, dict) or not isinstance(data.get("queues"), dict):
        raise fail(data, "queues", "expected a mapping of queue name to its rule")
    vip_boost = data.get("vip_boost", 5)
    if not isinstance(vip_boost, int) or vip_boost < 0:
        raise fail(data, "vip_boost", "expected a whole number >= 0")
    queues_node = data["queues"]
    queues: dict[str, QueueRule] = {}
    for name, node in queues_node.items():
        where = f"queues.{name}"
        if name not in QUEUE_NAMES:
            raise fail(queues_node, where, f"unknown queue; queues are {', '.join(QUEUE_NAMES)}")
        if not isinstance(node, dict):
            raise fail(queues_node, where, "expected a mapping")
        queues[name] = _parse_queue(name, node, where, fail)
    missing = [q for q in QUEUE_NAMES if q not in queues]
    if missing:
        raise fail(queues_node, "queues", f"missing queue(s): {', '.join(missing)}")
    return QueueRules(queues=queues, vip_boost=vip_boost)


def _level(node: dict, key: str, where: str, fail, default: int | None = None) -> int:
    value = node.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise fail(node, f"{where}.{key}", f"expected a skill level 1-5, got {value!r}")
    return value


def _parse_queue(name: str, node: dict, where: str, fail) -> QueueRule:
    known = {"skill", "min_level", "priority", "strategy", "wrap_up_seconds", "escalation"}
    for key in node:
        if key not in known:
            raise fail(node, f"{where}.{key}", f"unknown field; fields are {', '.join(sorted(known))}")
    skill = node.get("skill")
    if not isinstance(skill, str) or not skill:
        raise fail(node, f"{where}.skill", "expected a skill name")
    strategy = node.get("strategy", "longest-idle")
    if strategy not in STRATEGIES:
        raise fail(node, f"{where}.strategy", f"expected one of {', '.join(STRATEGIES)}, got {strategy!r}")
    for key in ("priority", "wrap_up_seconds"):
        if not isinstance(node.get(key), int) or node[key] < 0:
            raise fail(node, f"{where}.{key}", f"expected a whole number >= 0, got {node.get(key)!r}")
    steps: list[EscalationStep] = []
    previous = -1
    for index, step in enumerate(node.get("escalation") or []):
        at = f"{where}.escalation[{index}]"
        if not isinstance(step, dict):
            raise fail(node, f"{where}.escalation", f"step {index} must be a mapping")
        after = step.get("after")
        if not isinstance(after, int) or after <= previous:
            raise fail(step, f"{at}.after", "expected seconds, greater than the previous step's")
        previous = after
        level = _level(step, "min_level", at, fail) if "min_level" in step else None
        fallback = step.get("fallback_skill")
        if fallback is not None and (not isinstance(fallback, str) or not fallback):
            raise fail(step, f"{at}.fallback_skill", "expected a skill name")
        if level is None and fallback is None:
            raise fail(step, f"{at}.after", "a step needs min_level or fallback_skill")
        fallback_level = _level(step, "fallback_min_level", at, fail, 1) if fallback else 1
        steps.append(EscalationStep(after, level, fallback, fallback_level))
    return QueueRule(name=name, skill=skill, min_level=_level(node, "min_level", where, fail),
                     priority=node["priority"], strategy=strategy,
                     wrap_up_seconds=node["wrap_up_seconds"], escalation=tuple(steps))
