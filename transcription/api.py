"""QA API: transcripts, the review queue, reviews (JSON or CSV) and transcript search.

Only qa, supervisor and admin tokens; the unredacted transcript only for admin, and only when
KEEP_UNREDACTED_TRANSCRIPTS kept one.
"""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from hotline import csv_export, db
from hotline.api import keyset, schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from hotline.contracts import MEDIA_READERS, AccessPolicy, need
from hotline.params import query_bool, query_choice, query_day, query_int, query_limit, query_text, text
from transcription.models import Review, Transcript
from transcription.scorecard import ANSWERS, questions
from transcription.reviews import ReviewRejected, current_scorecard, reviews_csv, save_review
from transcription.scheduling import schedule_decoding
from transcription.search import BadQuery, review_queue_page, search_page, summary

QUEUE_LIMIT = 200  # a page of the review queue by default, as the QA workspace shows
REVIEWERS = MEDIA_READERS  # the access policy's: qa and supervisors (admin always passes)

bp = Blueprint("qa", __name__)  # nested under /api by the app factory (hotline.areas)


def latest_transcript(call_sid: str) -> Transcript | None:
    return db.session().scalars(select(Transcript).where(Transcript.call_sid == call_sid)
                                .order_by(Transcript.id.desc())).first()


@bp.get("/calls/<call_sid>/transcript")
@require_role(*REVIEWERS)
@operation("The call's speaker-labelled transcript with QA findings (redacted)", tags=["qa"],
           responses={200: "transcript", 403: "unredacted asked by a non-admin", 404: "no transcript"},
           description="Every answer is written to the access log.",
           query={"unredacted": schemas.BOOLEAN})
def get_transcript(call_sid: str):
    transcript = latest_transcript(call_sid)
    if transcript is None:
        abort_json(404, f"no transcript for call {call_sid}")
    unredacted = bool(query_bool(request.args.get("unredacted"), "unredacted"))
    if unredacted and g.principal.role != "admin":
        abort_json(403, "only admins can read unredacted transcripts")
    if unredacted and transcript.unredacted_turns is None:
        abort_json(404, "no unredacted copy was kept (KEEP_UNREDACTED_TRANSCRIPTS is off)")
    need(AccessPolicy).record_access(db.session(), "transcript", call_sid, detail="unredacted" if unredacted else None)
    db.session().commit()
    return jsonify(transcript.to_dict(unredacted=unredacted))


@bp.post("/calls/<call_sid>/transcript/decode")
@require_role(*REVIEWERS)
@operation("Decode the call's recording again (its transcript came from the live stream, or is doubted)",
           tags=["qa"], responses={202: "queued: the transcript is replaced when the job is done",
                                   404: "no transcript", 409: "the transcript is being made now"})
def decode_again(call_sid: str):
    transcript = latest_transcript(call_sid)
    if transcript is None:
        abort_json(404, f"no transcript for call {call_sid}")
    if transcript.status in {"queued", "running"}:
        abort_json(409, f"the transcript of call {call_sid} is {transcript.status}")
    schedule_decoding(transcript.recording_id)
    return jsonify({"call_sid": call_sid, "recording_id": transcript.recording_id, "queued": True}), 202


@bp.get("/qa/queue")
@require_role(*REVIEWERS)
@operation("Calls waiting for review: escalations and complaints first, then low scores, then the random sample",
           tags=["qa"], query=keyset.paging_query(QUEUE_LIMIT),
           responses={200: "a page of calls with `next`", **keyset.PAGING_RESPONSES},
           description="Each reason oldest first (a keyset per reason: the cursor names the reason it stopped in). "
                       + keyset.PAGING_DESCRIPTION)
def get_review_queue():
    page = review_queue_page(query_limit(request.args.get("limit"), default=QUEUE_LIMIT),
                             request.args.get("after"), keyset.count_arg())
    return jsonify(calls=[summary(t) for t in page.rows], **page.links())


@bp.get("/qa/search")
@require_role(*REVIEWERS)
@operation("Search transcripts by words and \"phrases\" (q: Chinese segmented, English stemmed), agent, "
           "date (YYYY-MM-DD), queue and finding; sort=relevance|newest; paged by key: pass `next` back as "
           "`after` (or follow `next_url`)", tags=["qa"],
           query={"q": schemas.text(max_length=200, blank=True), "agent": schemas.integer(),
                  "date": schemas.DAY, "queue": schemas.text(max_length=40, blank=True),
                  "finding": schemas.text(max_length=40, blank=True),
                  "sort": schemas.one_of(("relevance", "newest")), "limit": schemas.LIMIT,
                  "after": keyset.CURSOR_SCHEMA})
def search():
    args = request.args
    agent, day = query_int(args.get("agent"), "agent", None), query_day(args.get("date"), "date")
    phrase, queue, finding = (query_text(args.get(name), name, limit) or "" for name, limit in
                              (("q", 200), ("queue", 40), ("finding", 40)))
    limit = query_limit(args.get("limit"), default=100)
    try:
        page = search_page(phrase, str(agent or ""), day.isoformat() if day else "", queue, finding, limit,
                           sort=query_choice(args.get("sort"), "sort", ("relevance", "newest")) or "",
                           cursor=query_text(args.get("after"), "after", 400) or "")
    except BadQuery as exc:
        abort_json(400, str(exc))
    return jsonify(calls=[summary(t, f) for t, f in page.rows], **keyset.Page(page.rows, page.next_cursor).links())


@bp.post("/qa/reviews")
@require_role(*REVIEWERS)
@operation("Save a scorecard for a call (one per reviewer; saving again updates it)", tags=["qa"],
           request=lambda: {"type": "object", "required": ["call_sid"], "properties": {
               "call_sid": schemas.text(Review.call_sid),
               "answers": {"type": "object", "additionalProperties": False,
                           "properties": {key: schemas.one_of(ANSWERS) for key in questions(current_scorecard())}},
               "comments": schemas.text(max_length=4000, blank=True, null=True)}},
           description="answers: question id (from the current scorecard) -> yes, no or na.",
           responses={201: "created", 200: "updated", 404: "no transcript", 422: "bad answers"})
def post_review():
    body = json_body()
    call_sid = text(body.get("call_sid"), "call_sid", column=Review.call_sid, required=True)
    try:
        review, created = save_review(call_sid, g.principal.name, body.get("answers", {}),
                                      text(body.get("comments"), "comments", 4000) or "")
    except ReviewRejected as exc:
        abort_json(exc.status, str(exc))
    db.session().commit()
    return jsonify(review.to_dict()), 201 if created else 200


# Newest change first by (updated_at, id). A review saved again moves to the front: a client walking
# the pages meanwhile does not see it twice, and finds it on a new walk.
REVIEW_ORDER = keyset.Order("qa-reviews", (Review.updated_at, Review.id), descending=True)


@bp.get("/qa/reviews")
@require_role(*REVIEWERS)
@operation("Reviews, newest first; ?format=csv (or Accept: text/csv) exports them", tags=["qa"],
           responses={200: "JSON or CSV", 400: "a filter or the cursor is malformed (named)"},
           media=("application/json", "text/csv"),
           description="JSON is paged by key: `limit` (default 100, at most 500), pass `next` back as `after` "
                       "(or follow `next_url`); a cursor this list did not give out is a 400; `total` only with "
                       "count=true (exact) or count=estimate. The CSV holds every matching review (streamed).",
           query={"call_sid": schemas.text(Review.call_sid, blank=True), "reviewer": schemas.text(Review.reviewer, blank=True),
                  "format": schemas.one_of(("json", "csv")), "limit": schemas.LIMIT, "after": keyset.CURSOR_SCHEMA,
                  "count": keyset.COUNT_SCHEMA})
def list_reviews():
    query = select(Review)
    call_sid = query_text(request.args.get("call_sid"), "call_sid", column=Review.call_sid)
    if call_sid:
        query = query.where(Review.call_sid == call_sid)
    reviewer = query_text(request.args.get("reviewer"), "reviewer", column=Review.reviewer)
    if reviewer:
        query = query.where(Review.reviewer == reviewer)
    limit = query_limit(request.args.get("limit"), default=100)
    count = keyset.count_arg()
    wants_csv = query_choice(request.args.get("format"), "format", ("json", "csv")) == "csv" \
        or request.accept_mimetypes.best == "text/csv"
    if wants_csv:
        return csv_export.attachment(reviews_csv(REVIEW_ORDER.sort(query)), "qa-reviews.csv")
    page = keyset.fetch(db.session(), query, REVIEW_ORDER, limit=limit, cursor=request.args.get("after"), count=count)
    return jsonify(reviews=[r.to_dict() for r in page.rows], **page.links())
