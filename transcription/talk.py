"""Who spoke when: merged speech intervals, silences and overlaps from word times. Pure."""
from __future__ import annotations

from typing import Any

Interval = tuple[float, float]


def speech_intervals(turns: list[dict[str, Any]], speaker: str) -> list[Interval]:
    """Merged intervals in which `speaker` is saying words."""
    spans = sorted((w["start"], w["end"]) for t in turns if t["speaker"] == speaker
                   for w in (t.get("words") or [{"start": t["start"], "end": t["end"]}]))
    merged: list[list[float]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + 0.3:  # a breath between words is still talk
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def total(intervals: list[Interval]) -> float:
    return sum(b - a for a, b in intervals)


def union(a: list[Interval], b: list[Interval]) -> list[Interval]:
    merged: list[list[float]] = []
    for start, end in sorted(a + b):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(x, y) for x, y in merged]


def intersection(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi > lo:
                out.append((lo, hi))
    return sorted(out)


def silences(talk: list[Interval], duration: float) -> list[Interval]:
    gaps, cursor = [], 0.0
    for start, end in talk:
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if duration > cursor:
        gaps.append((cursor, duration))
    return gaps


def word_count(turns: list[dict[str, Any]], speaker: str, language: str | None) -> int:
    """Words said; for Chinese, characters (the usual 字/分钟 pace measure)."""
    if (language or "").startswith("zh"):
        return sum(len("".join(t["text"].split())) for t in turns if t["speaker"] == speaker)
    return sum(len(t["text"].split()) for t in turns if t["speaker"] == speaker)
