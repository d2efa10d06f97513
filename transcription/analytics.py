"""QA analytics on a speaker-labelled transcript: talk, silence, overtalk, pace, script, phrases. Pure.

Input: turns ({speaker, start, end, text, words}), the audio length, the call's language, the QA
rules and the company names. Output: metrics, findings (each at the second it happened), keyword
categories and an automatic score 0-100. No Flask, database or Vosk here, so rules can be tested
and tuned on transcripts built by hand.
"""
from __future__ import annotations

from typing import Any

from transcription.phrases import all_matches, first_match

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


def _phrases(section: dict[str, Any], language: str) -> list[str]:
    table = section.get("phrases") or {}
    return table.get(language) or table.get("zh-CN") or []


def analyse(turns: list[dict[str, Any]], duration: float, language: str | None, rules: dict[str, Any],
            company_names: tuple[str, ...] = ()) -> dict[str, Any]:
    language = language if language in ("zh-CN", "en-US") else "zh-CN"
    turns = sorted(turns, key=lambda t: t["start"])
    duration = max(duration, max((t["end"] for t in turns), default=0.0))
    talk_rules = rules.get("talk") or {}
    findings: list[dict[str, Any]] = []

    agent, caller = speech_intervals(turns, "agent"), speech_intervals(turns, "caller")
    anyone = union(agent, caller)
    quiet = silences(anyone, duration)
    longest = max(quiet, key=lambda g: g[1] - g[0], default=(0.0, 0.0))
    overlaps = intersection(agent, caller)
    agent_minutes = total(agent) / 60
    wpm = word_count(turns, "agent", language) / agent_minutes if agent_minutes else 0.0
    metrics = {
        "duration_seconds": round(duration, 2),
        "agent_talk_seconds": round(total(agent), 2),
        "caller_talk_seconds": round(total(caller), 2),
        "silence_seconds": round(total(quiet), 2),
        "longest_silence_seconds": round(longest[1] - longest[0], 2),
        "longest_silence_at": round(longest[0], 2),
        "overtalk_seconds": round(total(overlaps), 2),
        "agent_words_per_minute": round(wpm, 1),
    }

    deductions = 0.0
    for start, end in quiet:
        if end - start > talk_rules.get("max_silence_seconds", 10):
            findings.append({"kind": "long_silence", "at": round(start, 2), "seconds": round(end - start, 1),
                             "severity": "warning", "text": f"{end - start:.0f} s without talk"})
            deductions += talk_rules.get("silence_penalty", 5)
    for start, end in overlaps:
        if end - start >= talk_rules.get("min_overtalk_seconds", 1.0):
            findings.append({"kind": "overtalk", "at": round(start, 2), "seconds": round(end - start, 1),
                             "severity": "warning", "text": f"both spoke for {end - start:.1f} s"})
            deductions += talk_rules.get("overtalk_penalty", 5)
    if wpm > talk_rules.get("max_agent_words_per_minute", 10_000) and agent_minutes > 0.25:
        findings.append({"kind": "fast_speech", "at": round(agent[0][0], 2), "severity": "info",
                         "text": f"agent pace {wpm:.0f} words/min"})

    script = rules.get("script") or {}
    compliance, earned, possible = {}, 0.0, 0.0
    for step in ("greeting", "identity", "summary", "thanks"):
        section = script.get(step) or {}
        passed, at, said = _script_step(step, section, turns, duration, language, company_names)
        weight = float(section.get("weight", 0))
        possible += weight
        earned += weight if passed else 0
        compliance[step] = {"passed": passed, "at": at, "phrase": said}
        findings.append({"kind": f"script_{step}", "at": at, "severity": "ok" if passed else "missed",
                         "text": (f"“{said}”" if passed else _missed_text(step, section))})

    forbidden = rules.get("forbidden_phrases") or {}
    for at, phrase, turn in all_matches(turns, _phrases(forbidden, language), language, forbidden.get("speaker")):
        findings.append({"kind": "forbidden_phrase", "at": at, "severity": "violation", "speaker": turn["speaker"],
                         "text": f"“{phrase}”"})
        deductions += forbidden.get("penalty", 15)

    categories = []
    for name, category in (rules.get("keywords") or {}).items():
        for at, phrase, turn in all_matches(turns, _phrases(category, language), language):
            findings.append({"kind": "keyword", "category": name, "at": at, "severity": "info",
                             "speaker": turn["speaker"], "text": f"{name}: “{phrase}”"})
            if name not in categories:
                categories.append(name)

    score = (earned / possible * 100 if possible else 100.0) - deductions
    findings.sort(key=lambda f: (f["at"] if f["at"] is not None else duration, f["kind"]))
    return {"metrics": metrics, "compliance": compliance, "findings": findings, "categories": categories,
            "score": round(max(0.0, min(100.0, score)), 1)}


def _script_step(step, section, turns, duration, language, company_names):
    speaker = section.get("speaker", "agent")
    phrases = _phrases(section, language)
    if step == "greeting":
        window = float(section.get("within_first_seconds", 15))
        early = [t for t in turns if t["speaker"] == speaker and t["start"] <= window]
        hit = first_match(early, phrases, language, speaker)
        if hit and hit[0] <= window and section.get("require_company_name", False) and company_names:
            named = first_match(early, list(company_names), language, speaker)
            if named is None or named[0] > window:
                return False, hit[0], hit[1]
        return (True, hit[0], hit[1]) if hit and hit[0] <= window else (False, 0.0, None)
    if step == "thanks":
        window = float(section.get("within_last_seconds", 30))
        late = [m for m in all_matches(turns, phrases, language, speaker) if m[0] >= duration - window]
        return (True, late[0][0], late[0][1]) if late else (False, round(max(0.0, duration - window), 2), None)
    matches = all_matches(turns, phrases, language, speaker)
    if step == "summary" and section.get("before_closing"):
        # A summary belongs to the close of the call: the second half, before the thanks.
        matches = [m for m in matches if m[0] >= duration / 2]
        if matches:
            return True, matches[0][0], matches[0][1]
        return False, round(duration / 2, 2), None
    return (True, matches[0][0], matches[0][1]) if matches else (False, 0.0, None)


def _missed_text(step: str, section: dict[str, Any]) -> str:
    return {
        "greeting": f"no greeting with the company name in the first {section.get('within_first_seconds', 15)} s",
        "identity": "the caller's identity was not confirmed",
        "summary": "no summary of the outcome before closing",
        "thanks": f"no thanks in the last {section.get('within_last_seconds', 30)} s",
    }[step]
