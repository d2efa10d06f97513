"""The audio of a call for reviewers: GET /api/calls/<CallSid>/recording, with HTTP Range."""
from __future__ import annotations

from flask import Blueprint, request, send_file
from sqlalchemy import select

from hotline import db
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.contracts import MEDIA_READERS, AccessPolicy, need
from hotline.params import query_text
from recordings.download import stored_file
from recordings.models import Recording
from recordings.storage import UnsafePath

REVIEWER_ROLES = MEDIA_READERS  # the access policy's: qa and supervisors (admin always passes)

bp = Blueprint("recordings", __name__)  # nested under /api by the app factory (hotline.areas)


def recording_for_call(call_sid: str, recording_sid: str | None = None, *, session=None) -> Recording | None:
    """The call's stored recording: the one asked for, else the agent leg (dual channel) recorded last."""
    query = select(Recording).where(Recording.call_sid == call_sid)
    if recording_sid:
        query = query.where(Recording.sid == recording_sid)
    rows = (session or db.session()).scalars(query.order_by(Recording.created_at.desc(), Recording.id.desc())).all()
    rows.sort(key=lambda r: (r.status != "stored", r.source != "DialVerb"))
    return rows[0] if rows else None


def send_recording(call_sid: str, recording_sid: str | None = None):
    recording = recording_for_call(call_sid, recording_sid)
    if recording is None:
        abort_json(404, f"no recording for call {call_sid}")
    if recording.status != "stored":
        abort_json(409 if recording.status == "pending" else 410,
                   f"recording {recording.sid} is {recording.status}"
                   + (f": {recording.failure_reason}" if recording.failure_reason else ""))
    try:
        path = stored_file(recording)
    except UnsafePath:
        abort_json(404, f"no recording for call {call_sid}")
    if not path.is_file():
        abort_json(410, f"recording {recording.sid} is missing from disk; check RECORDINGS_DIR")
    # conditional=True makes Werkzeug answer Range requests with 206 and Accept-Ranges: bytes.
    # The first request of a playback (no Range, or from byte 0) is logged; the player's later range
    # requests for the same audio are not, so one listen is one row.
    if request.range is None or request.range.ranges[0][0] == 0:
        need(AccessPolicy).record_access(db.session(), "recording", call_sid, detail=recording.sid)
        db.session().commit()
    response = send_file(path, mimetype="audio/wav", conditional=True, etag=recording.sha256 or True,
                         max_age=0, download_name=f"{recording.sid}.wav")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/calls/<call_sid>/recording")
@require_role(*REVIEWER_ROLES)
@operation("The call's recording as WAV audio (supports Range)", tags=["recordings"],
           responses={200: "audio/wav", 206: "a byte range", 404: "no recording", 409: "not downloaded yet",
                      410: "failed, purged or missing from disk", 416: "a Range outside the file"},
           media=("audio/wav",), query={"recording": schemas.text(max_length=64, blank=True)})
def get_call_recording(call_sid: str):
    return send_recording(call_sid, query_text(request.args.get("recording"), "recording", 64))
