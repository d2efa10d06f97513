"""Queue rules from YAML (routing/queues.yaml or QUEUE_RULES_PATH), validated on load.

Every error names the file, the line and the field, so an operator who mistypes a level or a
strategy sees exactly where before a single caller is routed by the wrong rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
import yaml

from hotline.data_files import DataError, DataFile, Reader
from hotline.twiml import LANGUAGES

STRATEGIES = ("longest-idle", "round-robin", "fewest-calls")
QUEUE_NAMES = ("inquiry", "problem", "complaint", "suggestion", "urgent", "aftersales", "night")
DEFAULT_PATH = Path(__file__).with_name("queues.yaml")


QueueRulesError = DataError  # the rules file is wrong: `file:line: field: what is wrong`, one per line

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
    hold_music: dict[str, str] = field(default_factory=dict, hash=False)  # language -> audio URL (held callers)


@dataclass(frozen=True)
class QueueRules:
    queues: dict[str, QueueRule]
    vip_boost: int = 5

    def get(self, name: str) -> QueueRule | None:
        return self.queues.get(name)


def load_rules(path: Path | None = None) -> QueueRules:
    """The rules in `path` (default: the shipped file), or `QueueRulesError` listing every problem."""
    return RULES.load(path)


def parse_rules(reader: Reader, root: yaml.Node | None) -> QueueRules | None:
    top = reader.mapping(root, "", known=("vip_boost", "queues"), required=("queues",),
                         what="expected vip_boost and a mapping of queues")
    if top is None or "queues" not in top:
        return None
    vip_boost = reader.integer(top["vip_boost"], "vip_boost", 0) if "vip_boost" in top else 5
    raw = reader.mapping(top["queues"], "queues", what="expected a mapping of queue name to its rule")
    if raw is None:
        return None
    queues: dict[str, QueueRule] = {}
    for name, node in raw.items():
        where = f"queues.{name}"
        if name not in QUEUE_NAMES:
            reader.fail_at(reader.lines[where], where, f"unknown queue; queues are {', '.join(QUEUE_NAMES)}")
            continue
        rule = _parse_queue(reader, name, node, where)
        if rule is not None:
            queues[name] = rule
    missing = [q for q in QUEUE_NAMES if q not in raw]
    if missing:
        reader.fail_at(reader.line_of("queues"), "queues", f"missing queue(s): {', '.join(missing)}")
    return QueueRules(queues=queues, vip_boost=vip_boost or 0) if len(queues) == len(QUEUE_NAMES) else None


_QUEUE_FIELDS = ("skill", "min_level", "priority", "strategy", "wrap_up_seconds", "escalation", "hold_music")


def _parse_queue(reader: Reader, name: str, node: yaml.Node, where: str) -> QueueRule | None:
    fields = reader.mapping(node, where, known=_QUEUE_FIELDS,
                            required=("skill", "min_level", "priority", "wrap_up_seconds"))
    if fields is None:
        return None
    before = len(reader.problems)
    skill = reader.text(fields["skill"], f"{where}.skill", "expected a skill name") if "skill" in fields else None
    strategy = (reader.choice(fields["strategy"], f"{where}.strategy", STRATEGIES)
                if "strategy" in fields else "longest-idle")
    level = _level(reader, fields.get("min_level"), f"{where}.min_level") if "min_level" in fields else None
    priority = reader.integer(fields["priority"], f"{where}.priority", 0) if "priority" in fields else None
    wrap_up = (reader.integer(fields["wrap_up_seconds"], f"{where}.wrap_up_seconds", 0)
               if "wrap_up_seconds" in fields else None)
    steps: list[EscalationStep] = []
    items = reader.sequence(fields["escalation"], f"{where}.escalation") if "escalation" in fields else []
    previous = -1
    for index, item in enumerate(items or []):
        at = f"{where}.escalation[{index}]"
        step = reader.mapping(item, at, known=("after", "min_level", "fallback_skill", "fallback_min_level"),
                              required=("after",))
        if step is None or "after" not in step:
            continue
        after = reader.integer(step["after"], f"{at}.after", previous + 1,
                               what="expected seconds, greater than the previous step's")
        previous = after if after is not None else previous
        step_level = _level(reader, step["min_level"], f"{at}.min_level") if "min_level" in step else None
        fallback = (reader.text(step["fallback_skill"], f"{at}.fallback_skill", "expected a skill name")
                    if "fallback_skill" in step else None)
        if "min_level" not in step and "fallback_skill" not in step:
            reader.fail(step["after"], f"{at}.after", "a step needs min_level or fallback_skill")
        fallback_level = (_level(reader, step["fallback_min_level"], f"{at}.fallback_min_level")
                          if "fallback_min_level" in step else 1)
        if after is not None:
            steps.append(EscalationStep(after, step_level, fallback, fallback_level or 1))
    music = _hold_music(reader, fields["hold_music"], f"{where}.hold_music") if "hold_music" in fields else {}
    if len(reader.problems) > before:
        return None
    assert skill is not None and strategy is not None and level is not None
    return QueueRule(name=name, skill=skill, min_level=level, priority=priority or 0, strategy=strategy,
                     wrap_up_seconds=wrap_up or 0, escalation=tuple(steps), hold_music=music)


def _hold_music(reader: Reader, node: yaml.Node, where: str) -> dict[str, str]:
    """What a caller held in a conversation hears, per language: an audio URL Twilio can fetch
    (`<Play>`); a language left out hears the shipped segment."""
    music = reader.texts(node, where, LANGUAGES, required=())
    for language, url in music.items():
        if not url.startswith(("https://", "http://")):
            reader.fail_at(reader.lines[f"{where}.{language}"], f"{where}.{language}", "expected an http(s) URL")
    return music


def _level(reader: Reader, node: yaml.Node | None, where: str) -> int | None:
    return reader.integer(node, where, 1, 5, what="expected a skill level 1-5")


RULES: DataFile[QueueRules] = DataFile("queue rules", DEFAULT_PATH, parse_rules, setting="queue_rules_path")
