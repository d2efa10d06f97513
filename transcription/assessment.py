"""Assessing a transcript: redact what reviewers see, run the QA rules, decide its review-queue place."""
from __future__ import annotations

from typing import Any

from flask import current_app

from hotline.data_files import LiveFile
from transcription.analytics import analyse
from transcription.redaction import redact_turns
from transcription.rules import RULES, QaRules
from transcription.sampling import review_reason
from transcription.turns import plain_text


def current_rules() -> QaRules:
    settings = current_app.config["HOTLINE_SETTINGS"]
    cache = current_app.extensions.setdefault("transcription.rules", {})
    key = str(settings.qa_rules_path or "")
    if key not in cache:
        cache[key] = LiveFile(RULES, settings.qa_rules_path)
    return cache[key].current()


def company_names() -> tuple[str, ...]:
    settings = current_app.config["HOTLINE_SETTINGS"]
    return tuple(n for n in (settings.company_name, settings.company_name_en) if n)


def assess_transcript(transcript, turns: list[dict[str, Any]], duration: float) -> None:
    """Redact what reviewers see, run the QA rules, decide the review queue place."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    rules = current_rules()
    redacted, found = redact_turns(turns, rules.data.get("redaction") or {}, transcript.language)
    transcript.turns, transcript.text, transcript.redactions = redacted, plain_text(redacted), found
    keep = settings.keep_unredacted_transcripts
    transcript.unredacted_turns = turns if keep else None
    transcript.unredacted_text = plain_text(turns) if keep else None
    result = analyse(turns, duration, transcript.language, rules.data, company_names())
    transcript.analysis = result
    transcript.score = result["score"]
    transcript.categories = "," + ",".join(result["categories"]) + "," if result["categories"] else ""
    flags = sorted({f["kind"] for f in result["findings"] if f["severity"] in ("missed", "violation", "warning")})
    transcript.flags = "," + ",".join(flags) + "," if flags else ""
    transcript.review_reason = review_reason(transcript.call_sid, result["categories"], result["score"],
                                             rules.data.get("review_sampling") or {})
