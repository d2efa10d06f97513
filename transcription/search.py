"""Finding transcripts for reviewers: by phrase, agent, date, queue, finding; the review queue."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import exists, func, select

from hotline import db, local_time
from hotline.api import keyset
from transcription.models import CallFacts, Review, Transcript

# Reasons a call is in the queue, most urgent first.
REASON_ORDER = ("escalation", "complaint", "low_score", "random_sample")


class BadQuery(ValueError):
    pass


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# Newest first by (created_at, id); the API pages search results by this key.
SEARCH_ORDER = keyset.Order("qa-search", (Transcript.created_at, Transcript.id), descending=True)


def search_transcripts(phrase: str = "", agent: str = "", day: str = "", queue: str = "", finding: str = "",
                       limit: int = 100, after: tuple | None = None) -> list[tuple[Transcript, CallFacts | None]]:
    """Matching transcripts with their call's facts, newest first; `after` a SEARCH_ORDER key."""
    query = (select(Transcript, CallFacts).outerjoin(CallFacts, CallFacts.call_sid == Transcript.call_sid)
             .where(Transcript.status == "done"))
    if phrase.strip():
        # The text column holds the redacted transcript; ILIKE on PostgreSQL, LIKE (case-insensitive
        # for ASCII) on SQLite. Chinese is stored without spaces between words.
        words = phrase.strip()
        query = query.where(func.lower(Transcript.text).like(_like(words.lower()), escape="\\")
                            | func.lower(func.replace(Transcript.text, " ", "")).like(
                                _like(words.replace(" ", "").lower()), escape="\\"))
    if agent.strip():
        if not agent.strip().isdigit():
            raise BadQuery("agent: expected an agent id (a number)")
        query = query.where(CallFacts.agent_id == int(agent))
    if queue.strip():
        query = query.where(CallFacts.queue == queue.strip())
    if day.strip():
        try:  # the call center's day, as the QA pages show times
            start, end = local_time.day_bounds(date.fromisoformat(day.strip()), local_time.center_zone())
        except ValueError:
            raise BadQuery("date: expected YYYY-MM-DD") from None
        query = query.where(Transcript.created_at >= start, Transcript.created_at < end)
    if finding.strip():
        tag = _like("," + finding.strip() + ",")
        query = query.where(Transcript.categories.like(tag, escape="\\") | Transcript.flags.like(tag, escape="\\"))
    if after is not None:
        query = SEARCH_ORDER.after(query, after)
    query = SEARCH_ORDER.sort(query).limit(limit)
    return [(row[0], row[1]) for row in db.session().execute(query)]


def review_queue(limit: int = 200) -> list[Transcript]:
    reviewed = exists().where(Review.transcript_id == Transcript.id)
    rows = db.session().scalars(select(Transcript).where(Transcript.status == "done",
                                                         Transcript.review_reason.is_not(None), ~reviewed)
                                .order_by(Transcript.created_at).limit(limit)).all()
    rank = {reason: i for i, reason in enumerate(REASON_ORDER)}
    return sorted(rows, key=lambda t: (rank.get(t.review_reason or "", len(rank)), t.created_at))


def not_transcribed(limit: int = 50) -> list[Transcript]:
    """Recent calls whose transcript is not done (waiting, decoding or failed), newest first, so a
    reviewer sees why the queue is empty instead of an empty page."""
    return list(db.session().scalars(select(Transcript).where(Transcript.status != "done")
                                     .order_by(Transcript.created_at.desc(), Transcript.id.desc()).limit(limit)))


def pending_reason(transcript: Transcript) -> str:
    """Why a transcript is not there yet, for "no transcript yet: <reason>"."""
    if transcript.status == "queued":
        return "waiting for a transcription worker (hotline worker -q transcription)"
    return transcript.failure_reason or transcript.status


def summary(transcript: Transcript, facts: CallFacts | None = None) -> dict[str, Any]:
    return {"call_sid": transcript.call_sid, "score": transcript.score, "review_reason": transcript.review_reason,
            "categories": [c for c in transcript.categories.split(",") if c], "language": transcript.language,
            "audio_seconds": transcript.audio_seconds, "created_at": transcript.created_at.isoformat(),
            "agent_id": facts.agent_id if facts else None, "queue": facts.queue if facts else None}
