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
# Done transcripts a search walks newest first (ix_transcripts_done_newest) looking for its page before
# it asks the word index instead: a common word fills its page within a few thousand, a rare one falls
# back to the full search after this many.
WALK_BUDGET = 10_000


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


def _word_match(session, phrase: str, vector=Transcript.search_vector, ident=Transcript.id, walk: bool = False):
    """(where clause, relevance expression: higher is better) for the words and phrases asked for,
    over the transcripts' `vector` and `ident` columns (the table's, or a subquery's). `walk`: the
    clause filters rows one by one (no index), so the query is computed once for all of them."""
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
        if walk:
            # phraseto_tsquery is not immutable: as a filter it parsed the words again for every row
            # walked (46 ms for 10,000 rows); as an InitPlan it runs once.
            query = select(query).scalar_subquery()
        return vector.op("@@")(query), func.ts_rank_cd(vector, query)
    if _has_fts5(session):
        matches = (select(literal_column("rowid").label("id"), (-literal_column("bm25(transcripts_fts)")).label("rank"))
                   .select_from(table("transcripts_fts"))
                   .where(literal_column("transcripts_fts").op("MATCH")(fts5_query(terms))).subquery())
        rank = select(matches.c.rank).where(matches.c.id == ident).scalar_subquery()
        return ident.in_(select(matches.c.id)), rank
    # No FTS5: every word of every term somewhere in the segmented words (substring, unranked).
    clauses = [vector.like(_like(word.lower()), escape="\\")
               for term in terms for word in (*term.han, *term.latin.split())]
    return and_(*clauses), literal(0.0)


@dataclass(frozen=True)
class _Filters:
    """The filters besides the words: agent and queue (the call's facts), the local day, a finding."""

    agent_id: int | None = None
    queue: str = ""
    day: tuple[datetime, datetime] | None = None
    finding: str = ""  # a LIKE pattern over categories and flags

    @classmethod
    def parse(cls, agent: str, day: str, queue: str, finding: str) -> "_Filters":
        agent_id = None
        if agent.strip():
            if not agent.strip().isdigit():
                raise BadQuery("agent: expected an agent id (a number)")
            agent_id = int(agent)
        bounds = None
        if day.strip():
            try:  # the call center's day, as the QA pages show times
                bounds = local_time.day_bounds(date.fromisoformat(day.strip()), local_time.center_zone())
            except ValueError:
                raise BadQuery("date: expected YYYY-MM-DD") from None
        return cls(agent_id, queue.strip(), bounds, _like("," + finding.strip() + ",") if finding.strip() else "")

    @property
    def on_facts(self) -> bool:
        return self.agent_id is not None or bool(self.queue)

    def apply(self, query, created_at, categories, flags):
        if self.agent_id is not None:
            query = query.where(CallFacts.agent_id == self.agent_id)
        if self.queue:
            query = query.where(CallFacts.queue == self.queue)
        if self.day:
            query = query.where(created_at >= self.day[0], created_at < self.day[1])
        if self.finding:
            query = query.where(categories.like(self.finding, escape="\\") | flags.like(self.finding, escape="\\"))
        return query


def _walk(session, phrase: str, filters: _Filters, after: tuple[datetime, int] | None, need: int) -> list[int] | None:
    """The ids of the newest `need` matches (after the cursor `after`, newest first), found by walking
    at most WALK_BUDGET done transcripts down ix_transcripts_done_newest; None when the budget ran out
    first. The walk's rows are the first of the full search's order, so what it finds is what the
    full search would (tests/transcription/test_search_plans.py)."""
    walked = select(Transcript.id, Transcript.created_at, Transcript.call_sid, Transcript.search_vector,
                    Transcript.categories, Transcript.flags).where(Transcript.status == "done")
    if filters.day:
        walked = walked.where(Transcript.created_at >= filters.day[0], Transcript.created_at < filters.day[1])
    if after is not None:
        at, after_id = after
        # `created_at <= at` bounds the index scan; the OR alone would be a filter from the newest row on.
        walked = walked.where(Transcript.created_at <= at,
                              or_(Transcript.created_at < at, and_(Transcript.created_at == at, Transcript.id < after_id)))
    walked = (walked.order_by(Transcript.created_at.desc(), Transcript.id.desc()).limit(WALK_BUDGET)
              .subquery("walked"))
    matched, _ = _word_match(session, phrase, walked.c.search_vector, walked.c.id, walk=True)
    query = select(walked.c.id).select_from(walked)
    if filters.on_facts:
        query = query.outerjoin(CallFacts, CallFacts.call_sid == walked.c.call_sid)
    query = filters.apply(query.where(matched), walked.c.created_at, walked.c.categories, walked.c.flags)
    ids = list(session.scalars(query.order_by(walked.c.created_at.desc(), walked.c.id.desc()).limit(need)))
    return ids if len(ids) == need else None


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
    if sort == "relevance" and not phrase.strip():
        raise BadQuery("sort: relevance needs words (q)")
    filters = _Filters.parse(agent, day, queue, finding)
    after = _after(cursor, sort) if cursor else None
    query = (select(Transcript.id).outerjoin(CallFacts, CallFacts.call_sid == Transcript.call_sid)
             .where(Transcript.status == "done"))
    rank = literal(0.0)
    window = False
    if phrase.strip():
        matched, rank = _word_match(session, phrase, Transcript.search_vector, Transcript.id)
        query = query.where(matched)
        # A common word's page (newest first: the page; by relevance: the newest RANK_WINDOW matches)
        # is among the newest calls: walk them, and read the page by id. 消费者协会 in one call of six
        # was a bitmap scan of all its matches and a sort (247 ms at a million transcripts).
        walked = _walk(session, phrase, filters, after if sort == "newest" else None,
                       limit + 1 if sort == "newest" else RANK_WINDOW)
        if walked is not None:
            query = query.where(Transcript.id.in_(walked))
        else:
            # A rare word's calls are read from the word index alone. The planner cannot tell a rare
            # word from a common one well enough: walking the newest-first index for a word in 1 of
            # 5,000 calls read the whole table (3 s at a million). So ask the word index, with a cap.
            rare = list(session.scalars(select(Transcript.id).where(matched, Transcript.status == "done")
                                        .limit(RARE_WORD_CAP)))
            if len(rare) < RARE_WORD_CAP:
                query = query.where(Transcript.id.in_(rare))
            window = sort == "relevance"
    query = filters.apply(query, Transcript.created_at, Transcript.categories, Transcript.flags)
    # Relevance ranks the newest RANK_WINDOW matches: ranking every call that says 退款 reads every
    # one of them (hundreds of thousands at a year's volume); the walk above found them, else they
    # are found by walking the (created_at, id) index and stopping early.
    if window:
        newest = query.order_by(Transcript.created_at.desc(), Transcript.id.desc()).limit(RANK_WINDOW)
        query = (select(Transcript.id).outerjoin(CallFacts, CallFacts.call_sid == Transcript.call_sid)
                 .where(Transcript.id.in_(newest.correlate(None).subquery().select())))
    query = query.with_only_columns(Transcript, CallFacts)
    key = rank if sort == "relevance" else Transcript.created_at
    if after is not None:
        value, after_id = after
        if sort == "relevance":
            # ts_rank_cd is a real: compare with the same real, not a double close to it.
            value = cast(literal(value), REAL) if session.get_bind().dialect.name == "postgresql" else literal(value)
        query = query.where(or_(key < value, and_(key == value, Transcript.id < after_id)))
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


def _after(cursor: str, sort: str) -> tuple[Any, int]:
    """The cursor's (sort key, id): a relevance (float) or a created_at."""
    kind, after, after_id = _decode(cursor)
    if kind != sort:
        raise BadQuery("after: a cursor made for another sort order")
    try:
        return (float(after) if sort == "relevance" else datetime.fromisoformat(after)), int(after_id)
    except (TypeError, ValueError):
        raise BadQuery("after: not a cursor this search gave out (use the `next` of the previous page)") from None


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
