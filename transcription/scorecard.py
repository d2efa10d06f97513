"""The reviewer's scorecard (scorecard.yaml, or `scorecard:` in the QA rules): load, check, score."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from transcription.rules import RulesError, _line

DEFAULT_SCORECARD_PATH = Path(__file__).with_name("scorecard.yaml")
ANSWERS = ("yes", "no", "na")


def load_scorecard(path: Path | None = None) -> dict[str, Any]:
    path = path or DEFAULT_SCORECARD_PATH
    text = path.read_text(encoding="utf-8")
    root = yaml.compose(text)
    data = yaml.safe_load(text) or {}

    def fail(where: list, message: str):
        line = _line(root, where)
        raise RulesError(f"{path}{f' line {line}' if line else ''}: {'.'.join(map(str, where))}: {message}")

    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        fail(["sections"], "expected a list of sections")
    seen = set()
    for s, section in enumerate(sections):
        if not isinstance(section.get("questions"), list) or not section["questions"]:
            fail(["sections", s, "questions"], "expected a list of questions")
        for q, question in enumerate(section["questions"]):
            if not isinstance(question.get("id"), str) or question["id"] in seen:
                fail(["sections", s, "questions", q, "id"], "expected a unique id")
            seen.add(question["id"])
            if not isinstance(question.get("weight"), (int, float)) or question["weight"] <= 0:
                fail(["sections", s, "questions", q, "weight"], "expected a positive weight")
    return data


def questions(scorecard: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for section in scorecard["sections"] for q in section["questions"]}


def check_answers(scorecard: dict[str, Any], answers: Any) -> list[str]:
    """Problems with a submitted set of answers (empty when it is fine)."""
    if not isinstance(answers, dict):
        return ["answers: expected an object of question id -> yes/no/na"]
    known = questions(scorecard)
    problems = [f"answers.{k}: no such question" for k in answers if k not in known]
    problems += [f"answers.{k}: expected yes, no or na" for k, v in answers.items() if k in known and v not in ANSWERS]
    return problems


def score_answers(scorecard: dict[str, Any], answers: dict[str, str]) -> float:
    known = questions(scorecard)
    counted = [(known[k]["weight"], v == "yes") for k, v in answers.items() if k in known and v in ("yes", "no")]
    possible = sum(w for w, _ in counted)
    return round(100 * sum(w for w, ok in counted if ok) / possible, 1) if possible else 0.0
