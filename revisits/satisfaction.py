"""CSAT and first-contact resolution from revisit answers: pure arithmetic, no Flask or database.

The report counts in SQL (revisits/reports.py) and hands `Figures` per group to `report_rows`;
`summarise` does the same from answers in memory (the definitions, tested by hand).

CSAT is the share of scores that are 4 or 5 ("satisfied" or "very satisfied"), the usual
definition; the mean score is given too. First-contact resolution is the share of customers who
said their issue was solved the first time (a "no" reopens the ticket).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable
from zoneinfo import ZoneInfo

from hotline.sql_periods import period_label

GROUPINGS = ("agent", "category", "day", "week", "month")


@dataclass(frozen=True)
class Answer:
    agent_id: int | None
    category: str
    completed_at: datetime
    solved: bool | None
    score: int | None
    channel: str | None


@dataclass
class Figures:
    group: str
    surveys: int = 0
    scored: int = 0
    satisfied: int = 0
    score_total: int = 0
    asked_solved: int = 0
    solved: int = 0

    def add(self, answer: Answer) -> None:
        self.surveys += 1
        if answer.score is not None:
            self.scored += 1
            self.score_total += answer.score
            self.satisfied += answer.score >= 4
        if answer.solved is not None:
            self.asked_solved += 1
            self.solved += answer.solved

    def merge(self, other: "Figures") -> None:
        self.surveys += other.surveys
        self.scored += other.scored
        self.satisfied += other.satisfied
        self.score_total += other.score_total
        self.asked_solved += other.asked_solved
        self.solved += other.solved

    def to_dict(self) -> dict[str, object]:
        return {
            "group": self.group, "surveys": self.surveys, "scored": self.scored,
            "csat_percent": round(100 * self.satisfied / self.scored, 1) if self.scored else None,
            "mean_score": round(self.score_total / self.scored, 2) if self.scored else None,
            "answered_solved": self.asked_solved,
            "fcr_percent": round(100 * self.solved / self.asked_solved, 1) if self.asked_solved else None,
            "not_solved": self.asked_solved - self.solved,
        }


def group_key(answer: Answer, by: str, zone: ZoneInfo) -> str:
    if by == "agent":
        return agent_group(answer.agent_id)
    if by == "category":
        return answer.category
    return period_label(answer.completed_at, by, zone)


def agent_group(agent_id: int | None) -> str:
    return str(agent_id) if agent_id is not None else "unassigned"


def summarise(answers: Iterable[Answer], by: str, timezone: str) -> tuple[list[dict], dict]:
    """(one row per group, sorted by group; the total) for `answers` grouped `by`."""
    zone = ZoneInfo(timezone)
    groups: dict[str, Figures] = {}
    for answer in answers:
        key = group_key(answer, by, zone)
        groups.setdefault(key, Figures(key)).add(answer)
    return report_rows(groups.values())


def report_rows(groups: Iterable[Figures]) -> tuple[list[dict], dict]:
    """(one row per group, sorted by group; the total of them all)."""
    total = Figures("total")
    ordered = sorted(groups, key=lambda g: g.group)
    for figures in ordered:
        total.merge(figures)
    return [g.to_dict() for g in ordered], total.to_dict()
