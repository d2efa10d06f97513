"""Saving a reviewer's scorecard and exporting reviews as CSV."""
from __future__ import annotations

import io
from typing import Any

from flask import current_app
from sqlalchemy import select

from hotline import csv_export, db
from hotline.clock import now
from hotline.local_time import center_zone, iso_local
from transcription.models import Review, Transcript
from transcription.scorecard import check_answers, load_scorecard, questions, score_answers


class ReviewRejected(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def current_scorecard() -> dict[str, Any]:
    cache = current_app.extensions.setdefault("transcription.scorecard", {})
    if "card" not in cache:
        from pathlib import Path

        from transcription.assessment import current_rules

        rules = current_rules()
        name = rules.data.get("scorecard")
        cache["card"] = load_scorecard(Path(rules.source).parent / name if name else None)
    return cache["card"]


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


def reviews_csv(reviews: list[Review]) -> str:
    ids = list(questions(current_scorecard()))
    out = io.StringIO()
    writer = csv_export.writer(out)
    writer.writerow(["call_sid", "reviewer", "score", "automatic_score", "review_reason", "reviewed_at",
                     "comments", *ids])
    transcripts = {t.id: t for t in db.session().scalars(
        select(Transcript).where(Transcript.id.in_({r.transcript_id for r in reviews})))} if reviews else {}
    for review in reviews:
        transcript = transcripts.get(review.transcript_id)
        writer.writerow([review.call_sid, review.reviewer, review.score, transcript.score if transcript else "",
                         transcript.review_reason if transcript else "", iso_local(review.updated_at, center_zone()),
                         review.comments, *(review.answers.get(i, "") for i in ids)])
    return out.getvalue()
