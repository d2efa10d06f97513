"""The reviewer's scorecard (scorecard.yaml, or `scorecard:` in the QA rules): load, check, score."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from hotline.data_files import DataFile, Reader
from transcription.rules import RulesError  # noqa: F401  (the scorecard's errors are the rules' kind)

DEFAULT_SCORECARD_PATH = Path(__file__).with_name("scorecard.yaml")
ANSWERS = ("yes", "no", "na")


def load_scorecard(path: Path | None = None) -> dict[str, Any]:
    """The scorecard in `path` (default: the shipped file), or `RulesError` listing every problem."""
    return SCORECARD.load(path)


def parse_scorecard(reader: Reader, root: yaml.Node | None) -> dict[str, Any] | None:
    top = reader.mapping(root, "", what="expected a mapping with sections")
    if top is None:
        return None
    sections = reader.sequence(top.get("sections"), "sections", non_empty=True, what="expected a list of sections")
    seen: set[str] = set()
    for s, node in enumerate(sections or []):
        fields = reader.mapping(node, f"sections[{s}]")
        questions = reader.sequence(fields.get("questions"), f"sections[{s}].questions", non_empty=True,
                                    what="expected a list of questions") if fields is not None else None
        for q, question in enumerate(questions or []):
            where = f"sections[{s}].questions[{q}]"
            entry = reader.mapping(question, where, required=("id", "weight"))
            if entry is None:
                continue
            if "id" in entry:
                qid = reader.scalar(entry["id"], f"{where}.id", "expected a unique id")
                if qid is not None and qid in seen:
                    reader.fail(entry["id"], f"{where}.id", f"expected a unique id ({qid!r} is used twice)")
                seen.add(qid or "")
            weight = (reader.number(entry["weight"], f"{where}.weight", what="expected a positive weight")
                      if "weight" in entry else None)
            if weight is not None and weight <= 0:
                reader.fail(entry["weight"], f"{where}.weight", f"expected a positive weight, got {weight}")
    return reader.value(root)


SCORECARD: DataFile[dict[str, Any]] = DataFile("QA scorecard", DEFAULT_SCORECARD_PATH, parse_scorecard)


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
