"""QA API: transcripts, the review queue, reviews (JSON or CSV) and transcript search.

Only qa, supervisor and admin tokens; the unredacted transcript only for admin, and only when
KEEP_UNREDACTED_TRANSCRIPTS kept one.
"""
from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request, url_for
from sqlalchemy import select

from access.log import record_access
from access.policy import MEDIA_READERS
from hotline import db
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from transcription.models import Review, Transcript
from transcription.reviews import ReviewRejected, reviews_csv, save_review
from transcription.search import BadQuery, review_queue, search_page, summary

REVIEWERS = MEDIA_READERS  # the access policy's: qa and supervisors (admin always passes)

# Our own blueprint under /api: hotline.api.bp is registered before areas load, so routes
# added to it from an area would come too late. Errors, auth and OpenAPI work the same.
bp = Blueprint("qa_api", __name__, url_prefix="/api")


def latest_transcript(call_sid: str) -> Transcript | None:
    return db.session().scalars(select(Transcript).where(Transcript.call_sid == call_sid)
                                .order_by(Transcript.id.desc())).first()


@bp.get("/calls/<call_sid>/transcript")
@require_role(*REVIEWERS)
@operation("The call's speaker-labelled transcript with QA findings (redacted)", tags=["qa"],
           responses={200: "transcript", 403: "unredacted asked by a non-admin", 404: "no transcript"},
           description="Every answer is written to the access log.")
def get_transcript(call_sid: str):
    transcript = latest_transcript(call_sid)
    if transcript is None:
        abort_json(404, f"no transcript for call {call_sid}")
    unredacted = request.args.get("unredacted") in ("1", "true", "yes")
    if unredacted and g.principal.role != "admin":
        abort_json(403, "only admins can read unredacted transcripts")
    if unredacted and transcript.unredacted_turns is None:
        abort_json(404, "no unredacted copy was kept (KEEP_UNREDACTED_TRANSCRIPTS is off)")
    record_access(db.session(), "transcript", call_sid, detail="unredacted" if unredacted else None)
    db.session().commit()
    return jsonify(transcript.to_dict(unredacted=unredacted))


@bp.get("/qa/queue")
@require_role(*REVIEWERS)
@operation("Calls waiting for review: complaints first, then low scores, then the random sample", tags=["qa"])
def get_review_queue():
    return jsonify(calls=[summary(t) for t in review_queue()])


@bp.get("/qa/search")
@require_role(*REVIEWERS)
@operation("Search transcripts by words and \"phrases\" (q: Chinese segmented, English stemmed), agent, "
           "date (YYYY-MM-DD), queue and finding; sort=relevance|newest, cursor= from `next`", tags=["qa"])
def search():
    args = request.args
    try:
        page = search_page(args.get("q", ""), args.get("agent", ""), args.get("date", ""),
                           args.get("queue", ""), args.get("finding", ""), sort=args.get("sort", ""),
                           cursor=args.get("cursor", ""))
    except BadQuery as exc:
        abort_json(400, str(exc))
    following = None
    if page.next_cursor:
        following = url_for(request.endpoint, **{**args.to_dict(), "cursor": page.next_cursor})
    return jsonify(calls=[summary(t, f) for t, f in page.rows], next=following)


@bp.post("/qa/reviews")
@require_role(*REVIEWERS)
@operation("Save a scorecard for a call (one per reviewer; saving again updates it)", tags=["qa"],
           request={"call_sid": "string", "answers": {"<question id>": "yes|no|na"}, "comments": "string"},
           responses={201: "created", 200: "updated", 404: "no transcript", 422: "bad answers"})
def post_review():
    body = json_body()
    if not isinstance(body.get("call_sid"), str):
        abort_json(422, "call_sid: required")
    try:
        review, created = save_review(body["call_sid"], g.principal.name, body.get("answers", {}),
                                      body.get("comments", ""))
    except ReviewRejected as exc:
        abort_json(exc.status, str(exc))
    return jsonify(review.to_dict()), 201 if created else 200


@bp.get("/qa/reviews")
@require_role(*REVIEWERS)
@operation("Reviews, newest first; ?format=csv (or Accept: text/csv) exports them", tags=["qa"],
           responses={200: "JSON or CSV"})
def list_reviews():
    query = select(Review).order_by(Review.updated_at.desc(), Review.id.desc())
    if request.args.get("call_sid"):
        query = query.where(Review.call_sid == request.args["call_sid"])
    if request.args.get("reviewer"):
        query = query.where(Review.reviewer == request.args["reviewer"])
    reviews = list(db.session().scalars(query))
    wants_csv = request.args.get("format") == "csv" or request.accept_mimetypes.best == "text/csv"
    if wants_csv:
        return Response(reviews_csv(reviews), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=qa-reviews.csv"})
    return jsonify(reviews=[r.to_dict() for r in reviews])
