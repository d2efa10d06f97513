"""Transcripts, the call facts QA searches by, and reviewers' scorecards."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from hotline.clock import now
from hotline.db import Base


# ix_transcripts_queue_rank's expression, laid out as PostgreSQL prints it back (pg_get_indexdef), so
# the models-vs-migrations check compares the two equal.
QUEUE_RANK_SQL = ("(\nCASE review_reason\n    WHEN 'escalation' THEN 0\n    WHEN 'complaint' THEN 1\n"
                  "    WHEN 'low_score' THEN 2\n    WHEN 'random_sample' THEN 3\n    ELSE 4\nEND)")


class Transcript(Base):
    """One per recording. `turns`/`text` are redacted (what reviewers see); the unredacted copies
    exist only when KEEP_UNREDACTED_TRANSCRIPTS is on, and only admins can read them."""

    __tablename__ = "transcripts"
    __table_args__ = (
        # The QA queue and the not-yet-transcribed list, in creation order (transcription_0002).
        Index("ix_transcripts_created_at_id", "created_at", "id"),
        # QA search: `search_vector @@ query` (transcription/search.py). PostgreSQL only; SQLite
        # searches its FTS5 table transcripts_fts instead (see the migration).
        Index("ix_transcripts_search_vector", "search_vector", postgresql_using="gin",
              info={"only_on": "postgresql"}),
        # QA search newest first, and the newest matches relevance ranks (transcription/search.py):
        # walked backwards, it stops after a page of a common word instead of sorting all its calls.
        Index("ix_transcripts_done_newest", "created_at", "id", postgresql_where=text("status = 'done'"),
              sqlite_where=text("status = 'done'")),
        # The review queue: done transcripts with a reason, oldest first (transcription/search.py).
        Index("ix_transcripts_review_waiting", "created_at", "id",
              postgresql_where=text("status = 'done' AND review_reason IS NOT NULL"),
              sqlite_where=text("status = 'done' AND review_reason IS NOT NULL")),
        # The review queue's pages, in its order: the reason's rank, then oldest first
        # (transcription_0005; the expression is transcription.search.queue_rank's).
        Index("ix_transcripts_queue_rank", text(QUEUE_RANK_SQL), "created_at", "id",
              postgresql_where=text("status = 'done' AND review_reason IS NOT NULL"),
              sqlite_where=text("status = 'done' AND review_reason IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), unique=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)  # queued|running|done|failed
    failure_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)  # decodes started, whatever ended them
    # Decodes whose child process died of a crash of its own (transcription/crashes.py); two fail it.
    decoder_crashes: Mapped[int] = mapped_column(default=0, server_default="0")
    model: Mapped[str | None] = mapped_column(String(500))
    turns: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    # Kept from `text` on every write (transcription/search_index.py): a tsvector of jieba's words and
    # the English parser's lexemes on PostgreSQL; the space-separated words FTS5 indexes on SQLite.
    search_vector: Mapped[Any] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=True,
                                               deferred=True)
    unredacted_turns: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    unredacted_text: Mapped[str | None] = mapped_column(Text)
    redactions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    audio_seconds: Mapped[float | None] = mapped_column(Float)
    decode_seconds: Mapped[float | None] = mapped_column(Float)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float, index=True)
    categories: Mapped[str] = mapped_column(String(300), default="")  # ",complaint,refund," for LIKE
    flags: Mapped[str] = mapped_column(String(300), default="")  # ",script_greeting,overtalk," problems found
    review_reason: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    def to_dict(self, unredacted: bool = False) -> dict[str, Any]:
        data = {
            "call_sid": self.call_sid, "status": self.status, "failure_reason": self.failure_reason,
            "language": self.language, "audio_seconds": self.audio_seconds, "turns": self.turns,
            "text": self.text, "redactions": [{"kind": r["kind"], "at": r["at"]} for r in self.redactions or []],
            "analysis": self.analysis, "score": self.score,
            "categories": [c for c in self.categories.split(",") if c],
            "flags": [f for f in self.flags.split(",") if f], "review_reason": self.review_reason,
        }
        if unredacted:
            data["unredacted_turns"] = self.unredacted_turns
            data["unredacted_text"] = self.unredacted_text
        return data


class CallFacts(Base):
    """Who answered, which queue a call came through and who hung up first, kept from events for QA."""

    __tablename__ = "qa_call_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[int | None] = mapped_column(index=True)
    queue: Mapped[str | None] = mapped_column(String(40), index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    hung_up_first: Mapped[str | None] = mapped_column(String(10))  # "caller" or "agent"
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


class Review(Base):
    """A reviewer's scorecard for one call; saving again updates it."""

    __tablename__ = "qa_reviews"
    __table_args__ = (
        UniqueConstraint("transcript_id", "reviewer", name="uq_qa_reviews_transcript_reviewer"),
        Index("ix_qa_reviews_created_at", "created_at"),  # the KPI pack's scores of a period (transcription_0007)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"), index=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    reviewer: Mapped[str] = mapped_column(String(120))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score: Mapped[float] = mapped_column(Float)
    comments: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "call_sid": self.call_sid, "reviewer": self.reviewer, "answers": self.answers,
                "score": self.score, "comments": self.comments, "created_at": self.created_at.isoformat(),
                "updated_at": self.updated_at.isoformat()}
