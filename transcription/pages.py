"""The reviewer's workspace under /qa: queue and search, a page per call, saving a scorecard."""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import select

from hotline import db
from recordings.api import recording_for_call, send_recording
from hotline.api.errors import ApiError
from transcription.api import latest_transcript
from transcription.models import CallFacts, Review
from transcription.page_auth import (PAGE_ROLES, csrf_ok, page_principal, principal_for_token, reviewer_page,
                                     sign_in)
from transcription.reviews import ReviewRejected, current_scorecard, reviews_csv, save_review
from transcription.search import BadQuery, review_queue, search_transcripts

bp = Blueprint("qa", __name__, url_prefix="/qa", template_folder="templates", static_folder="static",
               static_url_path="/static")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in_page():
    error = None
    if request.method == "POST":
        principal = principal_for_token(request.form.get("token", ""))
        if principal is None:
            error = "That token is not valid."
        elif principal.role not in PAGE_ROLES:
            error = "QA pages need a qa, supervisor or admin token."
        else:
            sign_in(principal)
            target = request.args.get("next", "")
            # Only a path on this site: never an open redirect.
            return redirect(target if target.startswith("/qa") else url_for("qa.workspace"))
    return render_template("qa/sign_in.html", error=error), 401 if error else 200


@bp.post("/sign-out")
def sign_out():
    session.clear()
    return redirect(url_for("qa.sign_in_page"))


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
    return render_template("qa/workspace.html", queue=review_queue(), results=results, searched=searched,
                           error=error, args=args, principal=page_principal())


@bp.get("/calls/<call_sid>")
@reviewer_page
def call_page(call_sid: str):
    transcript = latest_transcript(call_sid)
    if transcript is None:
        abort(404)
    facts = db.session().scalars(select(CallFacts).where(CallFacts.call_sid == call_sid)).first()
    principal = page_principal()
    review = db.session().scalars(select(Review).where(Review.transcript_id == transcript.id,
                                                       Review.reviewer == principal.name)).first()
    recording = recording_for_call(call_sid)
    return render_template("qa/call.html", transcript=transcript, facts=facts, review=review,
                           scorecard=current_scorecard(), recording=recording, csrf=session.get("csrf"),
                           principal=principal)


@bp.get("/calls/<call_sid>/audio")
@reviewer_page
def call_audio(call_sid: str):
    try:
        return send_recording(call_sid)
    except ApiError as exc:
        return jsonify(error=exc.message), exc.status


@bp.post("/calls/<call_sid>/review")
@reviewer_page
def save_call_review(call_sid: str):
    if not csrf_ok():
        return jsonify(error="the page is out of date; reload it and save again"), 403
    body = request.get_json(silent=True) or {}
    try:
        review, created = save_review(call_sid, page_principal().name, body.get("answers", {}), body.get("comments", ""))
    except ReviewRejected as exc:
        return jsonify(error=str(exc)), exc.status
    return jsonify(review.to_dict()), 201 if created else 200


@bp.get("/reviews.csv")
@reviewer_page
def export_reviews():
    reviews = list(db.session().scalars(select(Review).order_by(Review.updated_at.desc())))
    return Response(reviews_csv(reviews), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=qa-reviews.csv"})
