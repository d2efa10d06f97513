"""The KPI pack's figures from the areas' counts: pure arithmetic, no Flask or database.

Every figure is a ratio of two sums the areas counted in SQL (hotline.contracts: CallKpis,
TicketKpis, RevisitKpis, QaKpis), so groups and periods add up before anything is divided, and a
figure with nothing to count is None, never 0. docs/supervision.md says what each sum counts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from supervision.targets import Targets

PRIORITIES = ("urgent", "normal", "routine")  # tickets' priorities, as its KPI counts name them

Counts = Mapping[str, float]


def _get(counts: Counts, name: str) -> float:
    return counts.get(name, 0.0)


def _finished(c: Counts) -> float:
    # Callers still waiting when the figures are read have neither been answered nor given up.
    return _get(c, "offered") - _get(c, "waiting")


@dataclass(frozen=True)
class Figure:
    name: str
    numerator: Callable[[Counts], float]
    denominator: Callable[[Counts], float]
    unit: str  # ratio | seconds | score

    def value(self, counts: Counts) -> float | None:
        below = self.denominator(counts)
        if below <= 0:
            return None
        return round(self.numerator(counts) / below, 1 if self.unit != "ratio" else 4)


def _ratio(name: str, top: str, bottom: str | Callable[[Counts], float], unit: str = "ratio") -> Figure:
    under = bottom if callable(bottom) else (lambda c, b=bottom: _get(c, b))
    return Figure(name, lambda c: _get(c, top), under, unit)


FIGURES: tuple[Figure, ...] = (
    _ratio("answer_rate", "answered", _finished),
    _ratio("abandon_rate", "abandoned", _finished),
    _ratio("short_abandon_rate", "short_abandoned", _finished),
    Figure("service_level", lambda c: _get(c, "answered_in_threshold"),
           lambda c: _finished(c) - _get(c, "short_abandoned"), "ratio"),
    _ratio("average_speed_of_answer", "wait_seconds", "answered", "seconds"),
    # Talk runs from answer to hang-up, so it holds the time on hold: handle time is talk + hold + wrap-up
    # without counting hold twice, and hold is also its own figure.
    Figure("average_handle_time", lambda c: _get(c, "talk_seconds") + _get(c, "wrap_seconds"),
           lambda c: _get(c, "talked"), "seconds"),
    _ratio("average_hold_time", "hold_seconds", "talked", "seconds"),
    _ratio("first_contact_resolution", "first_contact_resolved", "phone_tickets"),
    _ratio("complaint_rate", "complaints", "opened"),
    _ratio("satisfaction", "satisfied", "scored"),
    _ratio("revisit_solved", "solved", "asked_solved"),
    _ratio("revisit_closure", "revisits_closed", "revisits_ended"),
    _ratio("qa_score", "qa_score_total", "qa_scored", "score"),
    _ratio("qa_review_score", "qa_review_total", "qa_reviewed", "score"),
    *(_ratio(f"sla_{clock}:{priority}", f"{clock}_met:{priority}", f"{clock}_decided:{priority}")
      for priority in PRIORITIES for clock in ("response", "resolution")),
)
FIGURE_NAMES = tuple(f.name for f in FIGURES)
_BY_NAME = {f.name: f for f in FIGURES}


def figure_value(name: str, counts: Counts) -> float | None:
    """One figure of `counts`, as the pack defines it (the live page's service level is the pack's)."""
    return _BY_NAME[name].value(counts)


def figures(counts: Counts, previous: Counts | None, targets: Targets) -> dict[str, dict]:
    """Each figure's value, the previous period's, the trend (value - previous, None when either is
    None), its target and whether the value meets it."""
    result = {}
    for figure in FIGURES:
        value = figure.value(counts)
        before = figure.value(previous) if previous is not None else None
        target = targets.of(figure.name)
        trend = None if value is None or before is None else round(value - before, 4 if figure.unit == "ratio" else 1)
        result[figure.name] = {"value": value, "previous": before, "trend": trend, "unit": figure.unit,
                               "target": None if target is None else {target.side: target.value},
                               "meets": None if target is None else target.met_by(value)}
    return result
