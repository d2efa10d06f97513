"""Recording status callbacks: POST /recordings/status, one row per RecordingSid."""
from __future__ import annotations

import logging
import re

from flask import Blueprint, request
from redis.exceptions import RedisError
from sqlalchemy import select

from hotline import db
from hotline.db import dialect_insert
from hotline.clock import now
from hotline.contracts import RecordingsListed
from hotline.sids import is_call_sid, is_recording_sid
from hotline.webhooks import twilio_callback
from recordings.download import schedule_download
from recordings.models import RECORDING_STATUS_RANK, TWILIO_RECORDING_ERRORS, Recording

bp = Blueprint("recordings", __name__, url_prefix="/recordings")
log = logging.getLogger(__name__)
# Twilio's RecordingDuration and RecordingChannels are small whole numbers; anything else is ignored.
SMALL_NUMBER = re.compile(r"[0-9]{1,6}")


@bp.post("/status")
@twilio_callback
def status_callback():
    form = request.form
    sid = form.get("RecordingSid", "")
    status = form.get("RecordingStatus", "")
    # Checked before anything is written: the sid becomes a file name and a job id.
    if not is_recording_sid(sid) or not is_call_sid(form.get("CallSid", "")) or status not in RECORDING_STATUS_RANK:
        return "RecordingSid (RE + 32 hex digits), CallSid (CA + 32 hex digits) and a known RecordingStatus " \
               "are required\n", 400
    session = db.session()
    note_recording(session, sid, form["CallSid"], status, url=form.get("RecordingUrl", ""),
                   error_code=form.get("ErrorCode", ""), source=form.get("RecordingSource", ""),
                   duration=form.get("RecordingDuration"), channels=form.get("RecordingChannels"))
    session.commit()
    return "", 204


def note_recording(session, sid: str, call_sid: str, status: str, *, url: str = "", error_code: str = "",
                   source: str = "", duration: str | None = None, channels: str | None = None) -> bool:
    """Apply one report of a recording (its status callback, or Twilio's list read by the
    reconciliation sweep): one row per RecordingSid, its status forward only, the download enqueued
    under the recording's one job id when it completed. Returns whether the row is new."""
    created = session.execute(dialect_insert(session, Recording).values(
        sid=sid, call_sid=call_sid, twilio_status="in-progress", created_at=now(), updated_at=now())
        .on_conflict_do_nothing(index_elements=["sid"]).returning(Recording.id)).scalar() is not None
    recording = session.scalars(select(Recording).where(Recording.sid == sid)).one()
    if RECORDING_STATUS_RANK[status] > RECORDING_STATUS_RANK[recording.twilio_status]:
        recording.twilio_status = status
        # Kept for reference only: downloads go by sid to the configured API host, never to this URL.
        recording.twilio_url = url[:500] or recording.twilio_url
        code = error_code[:10]
        recording.twilio_error_code = code if code not in ("", "0") else None
        recording.source = source[:40] or recording.source
        recording.duration_seconds = _small_number(duration, recording.duration_seconds)
        recording.channels = _small_number(channels, recording.channels)
        if status == "completed" and not recording.twilio_error_code:
            recording.download_due_at = None  # due now
            session.commit()
            _schedule(recording)
        else:
            recording.status = "failed"
            recording.failure_reason = _twilio_failure(status, recording.twilio_error_code)
    elif status == "completed" and recording.twilio_status == "completed" and recording.status == "pending" \
            and not recording.twilio_error_code:
        # A repeated callback for a download not yet done: enqueue it again now rather than wait
        # for the sweep. The job id is the recording's, so a download already queued is not doubled.
        _schedule(recording)
    return created


def recordings_listed(event: RecordingsListed) -> int:
    """Handler of `RecordingsListed` (the reconciliation sweep): keep what no callback reported.

    Twilio's `processing` is a recording not finished yet (asked again later), `deleted` one we
    already took; the other statuses are what its callback would have said."""
    session = db.session()
    new = 0
    for listed in event.recordings:
        if listed.status not in RECORDING_STATUS_RANK or not is_recording_sid(listed.sid):
            continue
        new += note_recording(session, listed.sid, event.call_sid, listed.status, error_code=listed.error_code or "",
                              source=listed.source or "", duration=listed.duration,
                              channels=str(listed.channels) if listed.channels else None)
        session.commit()
    return new


def _schedule(recording: Recording) -> None:
    # The row committed above is the record that a download is due; if Redis cannot take the job
    # now, the sweeper enqueues it within a minute, so Twilio is still told the callback landed.
    try:
        schedule_download(recording)
    except RedisError as exc:
        log.warning("recording %s: download not enqueued (%s); the sweeper will", recording.sid, exc)


def _small_number(raw: str | None, current: int | None) -> int | None:
    return int(raw) if raw and SMALL_NUMBER.fullmatch(raw) else current


def _twilio_failure(status: str, code: str | None) -> str:
    if code in TWILIO_RECORDING_ERRORS:
        return f"{TWILIO_RECORDING_ERRORS[code]} (error {code}); nothing to download"
    if code:
        return f"Twilio reported recording error {code} with status {status}; nothing to download"
    return f"Twilio reported the recording {status}; nothing to download"
