"""The targets file (KPI_TARGETS_PATH, default supervision/targets.yaml): the figures' targets, the
repeat-contact window of first-contact resolution and the staffing plan's allowances. Pure apart
from `current_targets`, the app's live copy (hotline.data_files)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask import current_app

from hotline.data_files import DataFile, Reader

DEFAULT_TARGETS_PATH = Path(__file__).with_name("targets.yaml")
SIDES = ("at_least", "at_most")
# Every figure the pack computes that may carry a target (supervision.kpis.FIGURES adds per-priority
# SLA figures, which all take `sla_compliance`).
TARGETED = ("answer_rate", "abandon_rate", "short_abandon_rate", "service_level", "average_speed_of_answer",
            "average_handle_time", "average_hold_time", "first_contact_resolution", "satisfaction", "complaint_rate",
            "revisit_closure", "revisit_solved", "qa_score", "qa_review_score", "sla_compliance")

SECONDS = ("average_speed_of_answer", "average_handle_time", "average_hold_time")
SCORES = ("qa_score", "qa_review_score")  # 0-100, as transcription scores


def _bounds(name: str) -> tuple[float, float | None]:
    return (0, None) if name in SECONDS else (0, 100) if name in SCORES else (0, 1)


@dataclass(frozen=True)
class Target:
    side: str  # at_least | at_most
    value: float

    def met_by(self, figure: float | None) -> bool | None:
        if figure is None:
            return None
        return figure >= self.value if self.side == "at_least" else figure <= self.value


@dataclass(frozen=True)
class Staffing:
    history_weeks: int = 4
    shrinkage: float = 0.30
    abandon_allowance: float = 0.0
    default_handle_seconds: float = 240.0


@dataclass(frozen=True)
class Live:
    poll_seconds: int = 3
    long_wait_seconds: int = 60
    alert_min_offered: int = 5
    cache_ms: int = 1000


@dataclass(frozen=True)
class Targets:
    targets: dict[str, Target] = field(default_factory=dict)
    repeat_contact_days: int = 7
    staffing: Staffing = Staffing()
    live: Live = Live()

    def of(self, figure: str) -> Target | None:
        return self.targets.get("sla_compliance" if figure.startswith("sla_") else figure)


def parse_targets(reader: Reader, root: yaml.Node | None) -> Targets | None:
    if root is None:
        return Targets()
    top = reader.mapping(root, "", known=("targets", "repeat_contact_days", "staffing", "live"),
                         what="expected a mapping at the top")
    if top is None:
        return None
    targets = {}
    for name, node in (reader.mapping(top["targets"], "targets", known=TARGETED) or {} if "targets" in top
                       else {}).items():
        sides = reader.mapping(node, f"targets.{name}", known=SIDES, what="expected {at_least: N} or {at_most: N}")
        if sides is None:
            continue
        if len(sides) != 1:
            reader.fail(node, f"targets.{name}", "expected exactly one of at_least, at_most")
            continue
        side, value_node = next(iter(sides.items()))
        value = reader.number(value_node, f"targets.{name}.{side}", *_bounds(name))
        if value is not None:
            targets[name] = Target(side, float(value))
    repeat = reader.integer(top["repeat_contact_days"], "repeat_contact_days", 1, 90) \
        if "repeat_contact_days" in top else 7
    staffing = Staffing()
    plan = reader.mapping(top["staffing"], "staffing", known=("history_weeks", "shrinkage", "abandon_allowance",
                                                              "default_handle_seconds")) if "staffing" in top else {}
    if plan:
        staffing = Staffing(
            history_weeks=reader.integer(plan["history_weeks"], "staffing.history_weeks", 1, 12)
            if "history_weeks" in plan else 4,
            shrinkage=reader.number(plan["shrinkage"], "staffing.shrinkage", 0, 0.9) if "shrinkage" in plan else 0.30,
            abandon_allowance=reader.number(plan["abandon_allowance"], "staffing.abandon_allowance", 0, 0.9)
            if "abandon_allowance" in plan else 0.0,
            default_handle_seconds=reader.number(plan["default_handle_seconds"], "staffing.default_handle_seconds",
                                                 1, 7200) if "default_handle_seconds" in plan else 240.0)
    live = Live()
    board = reader.mapping(top["live"], "live", known=("poll_seconds", "long_wait_seconds", "alert_min_offered",
                                                        "cache_ms")) \
        if "live" in top else {}
    if board:
        live = Live(*(reader.integer(board[name], f"live.{name}", low, high) if name in board else default
                      for name, low, high, default in (("poll_seconds", 1, 300, 3),
                                                       ("long_wait_seconds", 1, 3600, 60),
                                                       ("alert_min_offered", 0, 10000, 5),
                                                       ("cache_ms", 0, 60000, 1000))))
    if reader.problems:
        return None
    return Targets(targets, repeat, staffing, live)


TARGETS: DataFile[Targets] = DataFile("KPI targets", DEFAULT_TARGETS_PATH, parse_targets, setting="kpi_targets_path")


def current_targets() -> Targets:
    """The app's targets, re-read when the file changes (the last good ones kept if an edit is broken)."""
    return current_app.extensions["supervision.targets"].current()
