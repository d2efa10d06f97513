"""Assessing a transcript: redact what reviewers see, run the QA rules, decide its review-queue place."""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from hotline import db
from hotline.data_files import LiveFile
from transcription.analytics import analyse, with_hang_up
from transcription.models import CallFacts, Transcript
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
    facts = call_facts(transcript.call_sid)
    result = analyse(turns, duration, transcript.language, rules.data, company_names(),
                     hung_up_first=facts.hung_up_first if facts else None)
    _keep(transcript, result, rules, facts)


def judge_hang_up(call_sid: str, hung_up_first: str | None) -> None:
    """Who hung up first became known (routing's ConversationOver) after the call's transcript was
    analysed: score its waits-for-caller step now. Before the transcript exists, nothing to do: the
    analysis reads the fact then."""
    if hung_up_first is None:
        return
    session = db.session()
    rules = current_rules()
    for transcript in session.scalars(select(Transcript).where(Transcript.call_sid == call_sid,
                                                                Transcript.status == "done")):
        if not transcript.analysis:
            continue
        _keep(transcript, with_hang_up(transcript.analysis, rules.data, hung_up_first), rules,
              call_facts(call_sid))


def _keep(transcript, result: dict[str, Any], rules: QaRules, facts: CallFacts | None) -> None:
    transcript.analysis = result
    transcript.score = result["score"]
    transcript.categories = "," + ",".join(result["categories"]) + "," if result["categories"] else ""
    flags = sorted({f["kind"] for f in result["findings"] if f["severity"] in ("missed", "violation", "warning")})
    transcript.flags = "," + ",".join(flags) + "," if flags else ""
    # The queue the caller chose is the ticket's category at intake: a call to the complaint line is
    # reviewed even when no complaint word was heard (every complaint in the review queue).
    transcript.review_reason = review_reason(transcript.call_sid, result["categories"], result["score"],
                                             rules.data.get("review_sampling") or {},
                                             routed_category=facts.queue if facts else None)


def call_facts(call_sid: str) -> CallFacts | None:
    return db.session().scalars(select(CallFacts).where(CallFacts.call_sid == call_sid)).first()
