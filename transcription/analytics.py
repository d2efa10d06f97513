"""QA analytics on a speaker-labelled transcript: talk, silence, overtalk, pace, script, phrases. Pure.

Input: turns ({speaker, start, end, text, words}), the audio length, the call's language, the QA
rules and the company names. Output: metrics, findings (each at the second it happened), keyword
categories and an automatic score 0-100. No Flask, database or Vosk here, so rules can be tested
and tuned on transcripts built by hand.
"""
from __future__ import annotations

from typing import Any

from transcription.phrases import all_matches
from transcription.script_checks import REQUIRED_STEPS, SCRIPT_ORDER, missed_text, phrases_for, script_step
from transcription.talk import intersection, silences, speech_intervals, total, union, word_count

def analyse(turns: list[dict[str, Any]], duration: float, language: str | None, rules: dict[str, Any],
            company_names: tuple[str, ...] = (), hung_up_first: str | None = None) -> dict[str, Any]:
    """`hung_up_first` ("caller", "agent" or None when not known yet) scores the waits-for-caller step;
    unknown, the step is left out of the score until `with_hang_up` is given it."""
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
    compliance = {}
    for step in SCRIPT_ORDER:
        if step not in script and step not in REQUIRED_STEPS:
            continue
        section = script.get(step) or {}
        passed, at, said, missing = script_step(step, section, turns, duration, language, company_names,
                                                hung_up_first)
        compliance[step] = {"passed": passed, "at": at, "phrase": said, "missing": missing}
        if passed is not None:
            findings.append(_script_finding(step, section, compliance[step]))

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

    findings.sort(key=lambda f: (f["at"] if f["at"] is not None else duration, f["kind"]))
    return {"metrics": metrics, "compliance": compliance, "findings": findings, "categories": categories,
            "deductions": deductions, "score": _score(compliance, script, deductions)}


def _script_finding(step: str, section: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    passed = result["passed"]
    return {"kind": f"script_{step}", "at": result["at"], "severity": "ok" if passed else "missed",
            "text": f"“{result['phrase']}”" if passed else missed_text(step, section, result.get("missing") or [])}


def _score(compliance: dict[str, Any], script: dict[str, Any], deductions: float) -> float:
    """The script steps' points earned over the points of the steps the call could be judged on (x100),
    less the deductions for talk and forbidden phrases; 0-100."""
    weights = {step: float((script.get(step) or {}).get("weight", 0)) for step, result in compliance.items()
               if result["passed"] is not None}
    possible = sum(weights.values())
    earned = sum(weight for step, weight in weights.items() if compliance[step]["passed"])
    score = (earned / possible * 100 if possible else 100.0) - deductions
    return round(max(0.0, min(100.0, score)), 1)


def with_hang_up(analysis: dict[str, Any], rules: dict[str, Any], hung_up_first: str) -> dict[str, Any]:
    """The analysis of a call whose hang-up became known after it was analysed (the callbacks come in
    any order): the waits-for-caller step judged and the score recomputed, nothing else re-run."""
    script = rules.get("script") or {}
    if "waits_for_caller" not in script or hung_up_first not in ("caller", "agent"):
        return analysis
    section = script["waits_for_caller"]
    duration = (analysis.get("metrics") or {}).get("duration_seconds", 0.0)
    passed, at, said, missing = script_step("waits_for_caller", section, [], duration, None, (), hung_up_first)
    compliance = {**(analysis.get("compliance") or {}),
                  "waits_for_caller": {"passed": passed, "at": at, "phrase": said, "missing": missing}}
    findings = [f for f in analysis.get("findings") or [] if f.get("kind") != "script_waits_for_caller"]
    findings.append(_script_finding("waits_for_caller", section, compliance["waits_for_caller"]))
    findings.sort(key=lambda f: (f["at"] if f["at"] is not None else duration, f["kind"]))
    deductions = analysis.get("deductions")
    if deductions is None:  # analysed before deductions were kept: what the old score lost beyond the script
        deductions = max(0.0, _score(analysis.get("compliance") or {}, script, 0.0) - float(analysis.get("score") or 0))
    return {**analysis, "compliance": compliance, "findings": findings,
            "score": _score(compliance, script, deductions)}


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
