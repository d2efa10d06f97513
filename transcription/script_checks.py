"""The manuals' call script, step by step: greeting, identity, summary, thanks. Pure."""
from __future__ import annotations

from typing import Any

from transcription.phrases import all_matches, first_match


def phrases_for(section: dict[str, Any], language: str) -> list[str]:
    table = section.get("phrases") or {}
    return table.get(language) or table.get("zh-CN") or []


def script_step(step, section, turns, duration, language, company_names):
    speaker = section.get("speaker", "agent")
    phrases = phrases_for(section, language)
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


def missed_text(step: str, section: dict[str, Any]) -> str:
    return {
        "greeting": f"no greeting with the company name in the first {section.get('within_first_seconds', 15)} s",
        "identity": "the caller's identity was not confirmed",
        "summary": "no summary of the outcome before closing",
        "thanks": f"no thanks in the last {section.get('within_last_seconds', 30)} s",
    }[step]
