"""Finding a phrase in a turn and the second it was said. Pure.

Chinese is compared with spaces removed (Vosk spaces its words); English lower-cased on word
boundaries. The time is the start of the word in which the phrase begins.
"""
from __future__ import annotations

import re
from typing import Any


def _is_chinese(language: str | None) -> bool:
    return (language or "").lower().startswith("zh")


def normalise(text: str, language: str | None) -> str:
    text = text.lower()
    if _is_chinese(language):
        return re.sub(r"[\s，。、,.!?！？]", "", text)
    return " " + " ".join(re.findall(r"[\w']+", text)) + " "


def find_phrase(turn: dict[str, Any], phrase: str, language: str | None) -> float | None:
    """The second `phrase` starts in `turn`, or None."""
    words = turn.get("words") or []
    if not words:
        text = normalise(turn.get("text", ""), language)
        return turn["start"] if normalise(phrase, language).strip() in text else None
    chinese = _is_chinese(language)
    haystack, spans = ("" if chinese else " "), []
    for word in words:
        piece = normalise(word["w"], language).strip()
        spans.append((len(haystack), word["start"]))
        haystack += piece if chinese else piece + " "
    needle = normalise(phrase, language)
    index = haystack.find(needle if chinese else needle)
    if not needle.strip() or index < 0:
        return None
    begins = index if chinese else index + 1
    return max((when for offset, when in spans if offset <= begins), default=spans[0][1])


def first_match(turns: list[dict[str, Any]], phrases: list[str], language: str | None,
                speaker: str | None = None) -> tuple[float, str, dict[str, Any]] | None:
    best = None
    for turn in turns:
        if speaker and turn["speaker"] != speaker:
            continue
        for phrase in phrases:
            at = find_phrase(turn, phrase, language)
            if at is not None and (best is None or at < best[0]):
                best = (at, phrase, turn)
    return best


def all_matches(turns: list[dict[str, Any]], phrases: list[str], language: str | None,
                speaker: str | None = None) -> list[tuple[float, str, dict[str, Any]]]:
    found = []
    for turn in turns:
        if speaker and turn["speaker"] != speaker:
            continue
        for phrase in phrases:
            at = find_phrase(turn, phrase, language)
            if at is not None:
                found.append((at, phrase, turn))
    return sorted(found, key=lambda m: m[0])
