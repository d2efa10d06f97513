"""Saving a reviewer's scorecard and exporting reviews as CSV."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from flask import current_app
from sqlalchemy import Select, select

from hotline import csv_export, db
from hotline.clock import now
from hotline.data_files import LiveFile
from hotline.local_time import center_zone, iso_local
from transcription.models import Review, Transcript
from transcription.assessment import current_rules
from transcription.scorecard import SCORECARD, check_answers, questions, score_answers


class ReviewRejected(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def current_scorecard() -> dict[str, Any]:
    rules = current_rules()
    name = rules.data.get("scorecard")
    path = Path(rules.source).parent / name if name else SCORECARD.default
    cache = current_app.extensions.setdefault("transcription.scorecard", {})
    if path not in cache:
        cache[path] = LiveFile(SCORECARD, path)
    return cache[path].current()


def save_review(call_sid: str, reviewer: str, answers: Any, comments: Any) -> tuple[Review, bool]:
    """Create or update this reviewer's review of the call; (review, created). The view commits."""
    session = db.session()
    transcript = session.scalars(select(Transcript).where(Transcript.call_sid == call_sid)
                                 .order_by(Transcript.id.desc())).first()
    if transcript is None:
        raise ReviewRejected(404, f"no transcript for call {call_sid}")
    card = current_scorecard()
    problems = check_answers(card, answers)
    if comments is not None and not isinstance(comments, str):
        problems.append("comments: expected text")
    if problems:
        raise ReviewRejected(422, "; ".join(problems))
    review = session.scalars(select(Review).where(Review.transcript_id == transcript.id,
                                                  Review.reviewer == reviewer)).first()
    created = review is None
    if created:
        review = Review(transcript_id=transcript.id, call_sid=call_sid, reviewer=reviewer, created_at=now())
        session.add(review)
    review.answers, review.comments = dict(answers), (comments or "").strip()
    review.score = score_answers(card, review.answers)
    review.updated_at = now()
    return review, created


EXPORT_BATCH = 500  # rows a server-side cursor hands over at a time while the CSV is sent


def reviews_csv(query: Select) -> Iterator[str]:
    """The CSV lines of the reviews `query` (a filtered, ordered `select(Review)`), made while they
    are sent: the rows come from a server-side cursor (`yield_per`), only the exported columns, the
    transcript's joined in, so a year of reviews takes the memory of one batch."""
    ids = list(questions(current_scorecard()))
    zone = center_zone()
    stmt = (query.with_only_columns(Review.call_sid, Review.reviewer, Review.score, Transcript.score,
                                    Transcript.review_reason, Review.updated_at, Review.comments, Review.answers,
                                    maintain_column_froms=False)
            .select_from(Review).outerjoin(Transcript, Transcript.id == Review.transcript_id)
            .execution_options(yield_per=EXPORT_BATCH))
    header = ["call_sid", "reviewer", "score", "automatic_score", "review_reason", "reviewed_at", "comments", *ids]

    def rows() -> Iterator[list[Any]]:
        yield header
        for call_sid, reviewer, score, automatic, reason, updated_at, comments, answers in db.session().execute(stmt):
            yield [call_sid, reviewer, score, "" if automatic is None else automatic, reason or "",
                   iso_local(updated_at, zone), comments, *(answers.get(i, "") for i in ids)]

    return csv_export.lines(rows())
