"""Recording status callbacks: POST /recordings/status, one row per RecordingSid."""
from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import select

from hotline import db
from hotline.db import dialect_insert
from hotline.clock import now
from hotline.webhooks import twilio_callback
from recordings.download import schedule_download
from recordings.models import RECORDING_STATUS_RANK, TWILIO_RECORDING_ERRORS, Recording

bp = Blueprint("recordings", __name__, url_prefix="/recordings")


@bp.post("/status")
@twilio_callback
def status_callback():
    form = request.form
    sid = form.get("RecordingSid", "")
    status = form.get("RecordingStatus", "")
    if not sid or not form.get("CallSid") or status not in RECORDING_STATUS_RANK:
        return "RecordingSid, CallSid and a known RecordingStatus are required\n", 400
    session = db.session()
    session.execute(dialect_insert(session, Recording).values(sid=sid, call_sid=form["CallSid"], twilio_status="in-progress",
                                             created_at=now(), updated_at=now())
                    .on_conflict_do_nothing(index_elements=["sid"]))
    recording = session.scalars(select(Recording).where(Recording.sid == sid)).one()
    if RECORDING_STATUS_RANK[status] > RECORDING_STATUS_RANK[recording.twilio_status]:
        recording.twilio_status = status
        recording.twilio_url = form.get("RecordingUrl") or recording.twilio_url
        recording.twilio_error_code = form.get("ErrorCode") if form.get("ErrorCode") not in (None, "", "0") else None
        recording.source = form.get("RecordingSource") or recording.source
        duration = form.get("RecordingDuration", "")
        recording.duration_seconds = int(duration) if duration.isdigit() else recording.duration_seconds
        channels = form.get("RecordingChannels", "")
        recording.channels = int(channels) if channels.isdigit() else recording.channels
        session.commit()
        if status == "completed" and not recording.twilio_error_code:
            schedule_download(recording)
        else:
            recording.status = "failed"
            recording.failure_reason = _twilio_failure(status, recording.twilio_error_code)
    elif status == "completed" and recording.twilio_status == "completed" and recording.status == "pending" \
            and not recording.twilio_error_code:
        # A retry of a callback whose download could not be scheduled (Redis down: we answered
        # 503). The job id is the recording's, so a download already queued is not doubled.
        schedule_download(recording)
    session.commit()
    return "", 204


def _twilio_failure(status: str, code: str | None) -> str:
    if code in TWILIO_RECORDING_ERRORS:
        return f"{TWILIO_RECORDING_ERRORS[code]} (error {code}); nothing to download"
    if code:
        return f"Twilio reported recording error {code} with status {status}; nothing to download"
    return f"Twilio reported the recording {status}; nothing to download"
