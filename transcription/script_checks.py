"""The manuals' call script, step by step: greeting (naming the company and oneself, offering help),
identity, restating the need, summary, "anything else?", thanks with a blessing, and waiting for the
caller to hang up first. Pure.

A step passes when one of its `phrases` is heard from its speaker in its window, and, for each of its
`must_also` groups (greeting: the agent's own name, the offer of help; thanks: the blessing), one of
that group's phrases in the same window: the manuals' words are a whole sentence, so a bare "谢谢" or
"您好" is a near miss, not the script.
"""
from __future__ import annotations

from typing import Any

from transcription.phrases import all_matches, first_match

# Steps every rules file has (validated as required), then those a file may leave out (an operator's
# older copy stays valid; a step left out is not scored).
REQUIRED_STEPS = ("greeting", "identity", "summary", "thanks")
OPTIONAL_STEPS = ("restate", "anything_else", "waits_for_caller")
SCRIPT_ORDER = ("greeting", "identity", "restate", "summary", "anything_else", "thanks", "waits_for_caller")


def phrases_for(section: dict[str, Any], language: str) -> list[str]:
    table = section.get("phrases") or {}
    return table.get(language) or table.get("zh-CN") or []


def _missing_parts(section, turns, language, speaker, inside) -> list[str]:
    """The `must_also` groups none of whose phrases was heard in the window (`inside(second)`)."""
    missing = []
    for name, group in (section.get("must_also") or {}).items():
        said = group.get(language) or group.get("zh-CN") or []  # a group is phrases per language
        heard = [m for m in all_matches(turns, said, language, speaker) if inside(m[0])]
        if not heard:
            missing.append(name)
    return missing


def script_step(step, section, turns, duration, language, company_names, hung_up_first=None):
    """(passed, second, phrase heard, missing parts) for one step; passed is None when the call cannot
    tell (who hung up first not known). `missing` names the `must_also` groups not heard when the
    step's own phrase was."""
    speaker = section.get("speaker", "agent")
    phrases = phrases_for(section, language)
    if step == "waits_for_caller":
        if hung_up_first not in ("caller", "agent"):
            return None, None, None, []
        return hung_up_first == "caller", round(duration, 2), None, []
    if step == "greeting":
        window = float(section.get("within_first_seconds", 15))
        early = [t for t in turns if t["speaker"] == speaker and t["start"] <= window]
        hit = first_match(early, phrases, language, speaker)
        if not hit or hit[0] > window:
            return False, 0.0, None, []
        if section.get("require_company_name", False) and company_names:
            named = first_match(early, list(company_names), language, speaker)
            if named is None or named[0] > window:
                return False, hit[0], hit[1], []
        missing = _missing_parts(section, early, language, speaker, lambda at: at <= window)
        return not missing, hit[0], hit[1], missing
    if step == "thanks":
        window = float(section.get("within_last_seconds", 30))
        inside = lambda at: at >= duration - window  # noqa: E731
        late = [m for m in all_matches(turns, phrases, language, speaker) if inside(m[0])]
        if not late:
            return False, round(max(0.0, duration - window), 2), None, []
        missing = _missing_parts(section, turns, language, speaker, inside)
        return not missing, late[0][0], late[0][1], missing
    matches = all_matches(turns, phrases, language, speaker)
    if section.get("before_closing"):
        # A summary or "anything else?" belongs to the close of the call: its second half.
        matches = [m for m in matches if m[0] >= duration / 2]
        if matches:
            return True, matches[0][0], matches[0][1], []
        return False, round(duration / 2, 2), None, []
    return (True, matches[0][0], matches[0][1], []) if matches else (False, 0.0, None, [])


def missed_text(step: str, section: dict[str, Any], missing: list[str] = ()) -> str:
    if missing:  # the step's phrase was heard, one of its other parts was not
        return f"{step.replace('_', ' ')} without: {', '.join(m.replace('_', ' ') for m in missing)}"
    return {
        "greeting": f"no greeting with the company name in the first {section.get('within_first_seconds', 15)} s",
        "identity": "the caller's identity was not confirmed",
        "restate": "the caller's need was not restated to confirm it",
        "summary": "no summary of the outcome before closing",
        "anything_else": "the caller was not asked whether there was anything else before closing",
        "thanks": f"no thanks in the last {section.get('within_last_seconds', 30)} s",
        "waits_for_caller": "the agent hung up before the caller",
    }[step]
