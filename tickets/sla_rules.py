"""The SLA rules file (SLA_RULES_PATH, default tickets/sla_rules.yaml) parsed into `sla.SlaRules`.

Pure (no Flask) apart from `current_sla_rules`, the app's live copy. Problems are reported as
`file:line: field: problem` by `hotline check` and at start-up.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from hotline.data_files import DataFile, LiveFile, Reader
from tickets.sla import DEFAULT_RULES, POLICIES, ClockPair, EscalationGroup, Policy, SlaRules, Target

DEFAULT_SLA_RULES_PATH = Path(__file__).with_name("sla_rules.yaml")
LANGUAGES = ("zh-CN", "en-US")
_HOURS = re.compile(r"(\d{1,4})\s*h")
_DAYS = re.compile(r"(\d{1,3})\s+working\s+days?")
CATEGORIES = ("inquiry", "problem", "complaint", "suggestion", "urgent", "aftersales")  # tickets.models.CATEGORIES


def _target(reader: Reader, node: yaml.Node | None, where: str) -> Target | None:
    text = reader.scalar(node, where, "expected a clock like 24h or 3 working days")
    if text is None:
        return None
    text = str(text).strip().lower()
    hours, days = _HOURS.fullmatch(text), _DAYS.fullmatch(text)
    if hours and int(hours.group(1)) > 0:
        return Target(hours=int(hours.group(1)))
    if days and int(days.group(1)) > 0:
        return Target(working_days=int(days.group(1)))
    reader.fail(node, where, f"expected a clock like 24h or 3 working days (more than 0), got {text!r}")
    return None


def _pair(reader: Reader, node: yaml.Node, where: str) -> dict[str, Target | None]:
    clocks = reader.mapping(node, where, known=("response", "resolution"),
                            what="expected {response: ..., resolution: ...}") or {}
    return {name: _target(reader, clocks[name], f"{where}.{name}") if name in clocks else None
            for name in ("response", "resolution")}


def parse_sla_rules(reader: Reader, root: yaml.Node | None) -> SlaRules | None:
    if root is None:
        return DEFAULT_RULES
    top = reader.mapping(root, "", known=("priorities", "categories", "escalation"),
                         what="expected a mapping at the top")
    if top is None:
        return None
    priorities = dict(POLICIES)
    for name, node in (reader.mapping(top["priorities"], "priorities") or {} if "priorities" in top else {}).items():
        if name not in POLICIES:
            reader.fail_at(reader.lines.get(f"priorities.{name}", 1), f"priorities.{name}",
                           f"unknown priority (known: {', '.join(POLICIES)})")
            continue
        clocks = _pair(reader, node, f"priorities.{name}")
        priorities[name] = Policy(response=clocks["response"] or POLICIES[name].response,
                                  resolution=clocks["resolution"] or POLICIES[name].resolution,
                                  promise=POLICIES[name].promise)
    categories: dict[str, ClockPair] = {}
    for name, node in (reader.mapping(top["categories"], "categories") or {} if "categories" in top else {}).items():
        if name not in CATEGORIES:
            reader.fail_at(reader.lines.get(f"categories.{name}", 1), f"categories.{name}",
                           f"unknown category (known: {', '.join(CATEGORIES)})")
            continue
        clocks = _pair(reader, node, f"categories.{name}")
        categories[name] = ClockPair(response=clocks["response"], resolution=clocks["resolution"])
    escalation = reader.mapping(top["escalation"], "escalation",
                                known=("plan", "default_group", "groups", "raise_on_keywords")) \
        if "escalation" in top else {}
    escalation = escalation or {}
    plan = _target(reader, escalation["plan"], "escalation.plan") if "plan" in escalation else None
    groups: dict[str, EscalationGroup] = {}
    raw_groups = reader.mapping(escalation["groups"], "escalation.groups") if "groups" in escalation else None
    for key, node in (raw_groups or {}).items():
        where = f"escalation.groups.{key}"
        group = reader.mapping(node, where, known=("queue", "name")) or {}
        queue = reader.text(group.get("queue"), f"{where}.queue")
        names = reader.texts(group["name"], f"{where}.name", LANGUAGES) if "name" in group else {}
        if queue is not None:
            groups[key] = EscalationGroup(key, queue, dict(names or {}))
    if raw_groups is None:
        groups = dict(DEFAULT_RULES.groups)
    default_group = reader.text(escalation["default_group"], "escalation.default_group") \
        if "default_group" in escalation else next(iter(groups), DEFAULT_RULES.default_group)
    if default_group is not None and default_group not in groups:
        reader.fail(escalation.get("default_group"), "escalation.default_group",
                    f"no such group {default_group!r} (groups: {', '.join(groups) or 'none'})")
    words: tuple[str, ...] = DEFAULT_RULES.raise_on_keywords
    if "raise_on_keywords" in escalation:
        items = reader.sequence(escalation["raise_on_keywords"], "escalation.raise_on_keywords") or []
        words = tuple(w for w in (reader.text(item, f"escalation.raise_on_keywords[{i}]")
                                  for i, item in enumerate(items)) if w)
    return SlaRules(priorities=priorities, categories=categories, plan=plan or DEFAULT_RULES.plan, groups=groups,
                    default_group=default_group or DEFAULT_RULES.default_group, raise_on_keywords=words)


SLA_RULES: DataFile[SlaRules] = DataFile("SLA rules", DEFAULT_SLA_RULES_PATH, parse_sla_rules,
                                         setting="sla_rules_path")


def load_sla_rules(path: Path | None = None) -> SlaRules:
    """The rules in `path` (default: the shipped file), or `DataError` listing every problem."""
    return SLA_RULES.load(path)


def current_sla_rules() -> SlaRules:
    """The app's SLA rules, re-read when the file changes (the last good ones kept if an edit is broken)."""
    from flask import current_app

    live = current_app.extensions.get("tickets.sla_rules")
    if live is None:
        live = current_app.extensions.setdefault(
            "tickets.sla_rules", LiveFile(SLA_RULES, SLA_RULES.path(current_app.config["HOTLINE_SETTINGS"])))
    return live.current()
