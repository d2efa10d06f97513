"""QA analytics on a speaker-labelled transcript: talk, silence, overtalk, pace, script, phrases. Pure.

Input: turns ({speaker, start, end, text, words}), the audio length, the call's language, the QA
rules and the company names. Output: metrics, findings (each at the second it happened), keyword
categories and an automatic score 0-100. No Flask, database or Vosk here, so rules can be tested
and tuned on transcripts built by hand.
"""
from __future__ import annotations

from typing import Any

from transcription.phrases import all_matches
from transcription.script_checks import missed_text, phrases_for, script_step
from transcription.talk import intersection, silences, speech_intervals, total, union, word_count

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
        passed, at, said = script_step(step, section, turns, duration, language, company_names)
        weight = float(section.get("weight", 0))
        possible += weight
        earned += weight if passed else 0
        compliance[step] = {"passed": passed, "at": at, "phrase": said}
        findings.append({"kind": f"script_{step}", "at": at, "severity": "ok" if passed else "missed",
                         "text": (f"“{said}”" if passed else missed_text(step, section))})

    forbidden = rules.get("forbidden_phrases") or {}
    for at, phrase, turn in all_matches(turns, phrases_for(forbidden, language), language, forbidden.get("speaker")):
        findings.append({"kind": "forbidden_phrase", "at": at, "severity": "violation", "speaker": turn["speaker"],
                         "text": f"“{phrase}”"})
        deductions += forbidden.get("penalty", 15)

    categories = []
    for name, category in (rules.get("keywords") or {}).items():
        for at, phrase, turn in all_matches(turns, phrases_for(category, language), language):
            findings.append({"kind": "keyword", "category": name, "at": at, "severity": "info",
                             "speaker": turn["speaker"], "phrase": phrase, "text": f"{name}: “{phrase}”"})
            if name not in categories:
                categories.append(name)

    score = (earned / possible * 100 if possible else 100.0) - deductions
    findings.sort(key=lambda f: (f["at"] if f["at"] is not None else duration, f["kind"]))
    return {"metrics": metrics, "compliance": compliance, "findings": findings, "categories": categories,
            "score": round(max(0.0, min(100.0, score)), 1)}


def keywords_heard(analysis: dict[str, Any] | None) -> dict[str, list[str]]:
    """Each keyword category heard in an analysed call and its phrases, in the order first heard:
    what other areas are told with transcript_ready (tickets escalates on the escalation words)."""
    heard: dict[str, list[str]] = {}
    for finding in (analysis or {}).get("findings") or []:
        if finding.get("kind") != "keyword":
            continue
        phrase = finding.get("phrase") or finding.get("text", "").split("“")[-1].rstrip("”")
        phrases = heard.setdefault(finding.get("category", ""), [])
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return heard
