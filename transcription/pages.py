"""The reviewer's workspace under /qa: queue and search, a page per call, saving a scorecard."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from hotline import csv_export, db
from hotline.api.errors import ApiError
from hotline.contracts import MEDIA_READERS, AccessPolicy, RecordingAudio, need
from hotline.pages import login_required
from transcription.api import REVIEW_ORDER, latest_transcript
from transcription.models import CallFacts, Review
from transcription.readiness import check_readiness
from transcription.reviews import ReviewRejected, current_scorecard, reviews_csv, save_review
from transcription.search import BadQuery, not_transcribed, pending_reason, review_queue, search_transcripts

bp = Blueprint("qa", __name__, url_prefix="/qa", template_folder="templates", static_folder="static",
               static_url_path="/static")


# Who may review: QA reviewers and supervisors (admins always pass). CSRF is checked by the guard.
reviewer_page = login_required(*MEDIA_READERS)


@bp.get("/sign-in")
def sign_in_page():
    """Old bookmarks of the QA sign-in land on everyone's sign-in page (which follows only same-site `next`)."""
    return redirect(url_for("auth.signin", next=request.args.get("next") or url_for("qa.workspace")))


@bp.get("/")
@reviewer_page
def workspace():
    args = request.args
    searched = any(args.get(k) for k in ("q", "agent", "date", "queue", "finding"))
    results, error = [], None
    if searched:
        try:
            results = search_transcripts(args.get("q", ""), args.get("agent", ""), args.get("date", ""),
                                         args.get("queue", ""), args.get("finding", ""))
        except BadQuery as exc:
            error = str(exc)
    readiness = check_readiness(current_app.config["HOTLINE_SETTINGS"])
    return render_template("qa/workspace.html", queue=review_queue(), results=results, searched=searched,
                           error=error, args=args, readiness=readiness, untranscribed=not_transcribed(),
                           pending_reason=pending_reason)


@bp.get("/calls/<call_sid>")
@reviewer_page
def call_page(call_sid: str):
    transcript = latest_transcript(call_sid)
    if transcript is None:
        abort(404)
    facts = db.session().scalars(select(CallFacts).where(CallFacts.call_sid == call_sid)).first()
    review = db.session().scalars(select(Review).where(Review.transcript_id == transcript.id,
                                                       Review.reviewer == g.principal.name)).first()
    recording = need(RecordingAudio).recording_of_call(db.session(), call_sid)
    need(AccessPolicy).record_access(db.session(), "transcript", call_sid)
    db.session().commit()
    return render_template("qa/call.html", transcript=transcript, facts=facts, review=review,
                           scorecard=current_scorecard(), recording=recording,
                           readiness=check_readiness(current_app.config["HOTLINE_SETTINGS"]), pending_reason=pending_reason)


@bp.get("/calls/<call_sid>/audio")
@reviewer_page
def call_audio(call_sid: str):
    try:
        return need(RecordingAudio).audio_response(call_sid)
    except ApiError as exc:
        return jsonify(error=exc.message), exc.status


@bp.post("/calls/<call_sid>/review")
@reviewer_page
def save_call_review(call_sid: str):
    body = request.get_json(silent=True) or {}
    try:
        review, created = save_review(call_sid, g.principal.name, body.get("answers", {}), body.get("comments", ""))
    except ReviewRejected as exc:
        return jsonify(error=str(exc)), exc.status
    db.session().commit()
    return jsonify(review.to_dict()), 201 if created else 200


@bp.get("/reviews.csv")
@reviewer_page
def export_reviews():
    return csv_export.attachment(reviews_csv(REVIEW_ORDER.sort(select(Review))), "qa-reviews.csv")
