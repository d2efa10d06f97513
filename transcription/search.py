"""Finding transcripts for reviewers: by phrase, agent, date, queue, finding; the review queue."""
from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import (REAL, and_, case, cast, exists, false, func, literal, literal_column, or_, select, table,
                        text)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY

from hotline import db, local_time
from hotline.api import keyset
from transcription.models import CallFacts, Review, Transcript
from transcription.segmentation import fts5_query, parse_query, tsquery_literal

# Reasons a call is in the queue, most urgent first.
REASON_ORDER = ("escalation", "complaint", "low_score", "random_sample")
RANK_WINDOW = 1000  # matches ranked by relevance: the newest this many
RARE_WORD_CAP = 2000  # fewer matches than this: fetched by id; more: the newest-first index is walked


class BadQuery(ValueError):
    pass


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class Page:
    rows: list[tuple[Transcript, CallFacts | None]]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(values, list) and len(values) == 3:
            return values
    except ValueError:
        pass
    raise BadQuery("after: not a cursor this search gave out (use the `next` of the previous page)")


def _has_fts5(session) -> bool:
    """SQLite built without FTS5 has no transcripts_fts (the migration skips it): search by LIKE."""
    return bool(session.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'transcripts_fts'")).first())


def _word_match(session, phrase: str):
    """(where clause, relevance expression: higher is better) for the words and phrases asked for."""
    terms = parse_query(phrase)
    if not terms:
        return false(), literal(0.0)
    if session.get_bind().dialect.name == "postgresql":
        parts = []
        for term in terms:
            if term.han:
                parts.append(cast(literal(tsquery_literal(term.han)), TSQUERY))
            if term.latin:
                parts.append(func.phraseto_tsquery(cast(literal("english"), REGCONFIG), literal(term.latin)))
        query = parts[0]
        for part in parts[1:]:
            query = query.op("&&")(part)
        return Transcript.search_vector.op("@@")(query), func.ts_rank_cd(Transcript.search_vector, query)
    if _has_fts5(session):
        matches = (select(literal_column("rowid").label("id"), (-literal_column("bm25(transcripts_fts)")).label("rank"))
                   .select_from(table("transcripts_fts"))
                   .where(literal_column("transcripts_fts").op("MATCH")(fts5_query(terms))).subquery())
        rank = select(matches.c.rank).where(matches.c.id == Transcript.id).scalar_subquery()
        return Transcript.id.in_(select(matches.c.id)), rank
    # No FTS5: every word of every term somewhere in the segmented words (substring, unranked).
    clauses = [Transcript.search_vector.like(_like(word.lower()), escape="\\")
               for term in terms for word in (*term.han, *term.latin.split())]
    return and_(*clauses), literal(0.0)


def search_transcripts(phrase: str = "", agent: str = "", day: str = "", queue: str = "", finding: str = "",
                       limit: int = 100, sort: str = "", cursor: str = "") -> list[tuple[Transcript, CallFacts | None]]:
    """Transcripts matching every filter: words and quoted phrases in `phrase` (Chinese segmented
    with jieba, English stemmed), best match first when there are words, else newest first."""
    return search_page(phrase, agent, day, queue, finding, limit, sort, cursor).rows


def search_page(phrase: str = "", agent: str = "", day: str = "", queue: str = "", finding: str = "",
                limit: int = 100, sort: str = "", cursor: str = "") -> Page:
    """One page of a search and the cursor of the next (keyset: (relevance, id) or (created_at, id))."""
    session = db.session()
    sort = sort.strip() or ("relevance" if phrase.strip() else "newest")
    if sort not in ("relevance", "newest"):
        raise BadQuery("sort: expected relevance or newest")
    query = (select(Transcript.id).outerjoin(CallFacts, CallFacts.call_sid == Transcript.call_sid)
             .where(Transcript.status == "done"))
    rank = literal(0.0)
    if phrase.strip():
        matched, rank = _word_match(session, phrase)
        query = query.where(matched)
        # A rare word's calls are read from the word index alone. The planner cannot tell a rare word
        # from a common one well enough: walking the newest-first index for a word in 1 of 5,000 calls
        # read the whole table (3 s at a million). So ask the word index first, with a cap.
        rare = list(session.scalars(select(Transcript.id).where(matched, Transcript.status == "done")
                                    .limit(RARE_WORD_CAP)))
        if len(rare) < RARE_WORD_CAP:
            query = query.where(Transcript.id.in_(rare))
    elif sort == "relevance":
        raise BadQuery("sort: relevance needs words (q)")
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
    # Relevance ranks the newest RANK_WINDOW matches: ranking every call that says 退款 reads every
    # one of them (hundreds of thousands at a year's volume); the newest ones are found by walking
    # the (created_at, id) index and stopping early.
    if sort == "relevance":
        newest = query.order_by(Transcript.created_at.desc(), Transcript.id.desc()).limit(RANK_WINDOW)
        query = (select(Transcript.id).outerjoin(CallFacts, CallFacts.call_sid == Transcript.call_sid)
                 .where(Transcript.id.in_(newest.correlate(None).subquery().select())))
    query = query.with_only_columns(Transcript, CallFacts)
    key = rank if sort == "relevance" else Transcript.created_at
    if cursor:
        kind, after, after_id = _decode(cursor)
        if kind != sort:
            raise BadQuery("after: a cursor made for another sort order")
        try:
            after_id = int(after_id)
            if sort == "relevance":
                # ts_rank_cd is a real: compare with the same real, not a double close to it.
                after = cast(literal(float(after)), REAL) if session.get_bind().dialect.name == "postgresql" \
                    else literal(float(after))
            else:
                after = datetime.fromisoformat(after)
        except (TypeError, ValueError):
            raise BadQuery("after: not a cursor this search gave out (use the `next` of the previous page)") from None
        query = query.where(or_(key < after, and_(key == after, Transcript.id < after_id)))
    query = query.add_columns(key.label("sort_key")).order_by(key.desc(), Transcript.id.desc()).limit(limit + 1)
    rows = list(session.execute(query))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        value = last.sort_key if sort == "relevance" else last[0].created_at.isoformat()
        next_cursor = _encode([sort, value, last[0].id])
    return Page([(row[0], row[1]) for row in rows], next_cursor)


QUEUE_RANKS = tuple(f"qa-queue.{reason}" for reason in (*REASON_ORDER, "other"))  # the cursors' names


def _reason_rank(transcript: Transcript) -> int:
    reason = transcript.review_reason or ""
    return REASON_ORDER.index(reason) if reason in REASON_ORDER else len(REASON_ORDER)


def queue_rank():
    """The queue's rank of a transcript's reason (0 escalation ... 4 any other), written with its
    values inline so that PostgreSQL matches it to ix_transcripts_queue_rank's expression."""
    inline = functools.partial(literal, literal_execute=True)
    return case(*((inline(reason), inline(i)) for i, reason in enumerate(REASON_ORDER)),
                value=Transcript.review_reason, else_=inline(len(REASON_ORDER)))


def review_queue_page(limit: int = 200, cursor: str | None = None, count: bool | str = False) -> keyset.Page:
    """A page of calls waiting for review: escalations, complaints, low scores, the random sample,
    then other reasons; each oldest first.

    ix_transcripts_queue_rank (transcription_0005) holds the done transcripts with a reason in the
    queue's order (rank, created_at, id): a page walks it and drops the reviewed ones through
    ix_qa_reviews_transcript_id, one by one, until the page is full, so it costs the same however
    many calls wait (sorting the waiting calls was 127 ms at 100k transcripts, 3,500 waiting)."""
    waiting = select(Transcript).where(Transcript.status == "done", Transcript.review_reason.is_not(None),
                                       ~exists().where(Review.transcript_id == Transcript.id))
    return keyset.fetch_ranked(db.session(), waiting, queue_rank(), QUEUE_RANKS, _reason_rank,
                               (Transcript.created_at, Transcript.id), limit=limit, cursor=cursor, count=count)


def review_queue(limit: int = 200) -> list[Transcript]:
    """The first `limit` calls of the review queue (the QA workspace's list)."""
    return review_queue_page(limit).rows


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
            "agent_id": facts.agent_id if facts else None, "queue": facts.queue if facts else None,
            "hung_up_first": facts.hung_up_first if facts else None}
