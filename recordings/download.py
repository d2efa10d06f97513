"""The download job: fetch a completed recording from Twilio, keep a verified copy, announce it.

Runs on the `default` queue under one job id per recording (`recording-download-<sid>`). The
database, not Redis, says what is due: `download_due_at` and `download_attempts` on the row. An
attempt claims the row with a conditional UPDATE (so two jobs for one recording never both
download), a retryable gateway failure (timeout, 5xx, 429) sets the next attempt's time and lets RQ
retry with the same backoff, and the last attempt or anything retrying cannot fix (404, a body that
is not call audio, a download over its size cap) marks the recording failed with the reason. If the
job is lost (Redis flushed, worker killed), `recordings.sweeper` enqueues it again once it is due.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from flask import current_app
from rq import Retry, get_current_job
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from hotline import db
from hotline.clock import now
from hotline.gateway import GatewayError, get_gateway
from hotline.contracts import RecordingCompleted, RecordingFile, publish
from hotline.jobs import enqueue
from recordings.limits import max_download_bytes
from recordings.models import Recording
from recordings.storage import relative_path_for, resolve_inside, write_atomically
from hotline.wavinfo import BadAudio, read_wav_info

log = logging.getLogger(__name__)

# Twilio usually has the file within seconds; a minute-long outage should still end well.
BACKOFF_SECONDS = (5, 30, 120, 600, 1800)
DOWNLOAD_RETRY = Retry(max=len(BACKOFF_SECONDS), interval=list(BACKOFF_SECONDS))
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
DOWNLOAD_TIMEOUT_SECONDS = 600
# RQ kills a job at its timeout, so an attempt that started longer ago than this has ended, even if
# its worker died without saying so; until then a second job leaves the recording alone.
ATTEMPT_LEASE = timedelta(seconds=DOWNLOAD_TIMEOUT_SECONDS + 60)


def download_job_id(sid: str) -> str:
    return f"recording-download-{sid}"


def schedule_download(recording: Recording) -> None:
    """Enqueue the download now; a job already waiting, retrying or running under its id is kept."""
    enqueue(fetch_recording, recording.id, queue="default", job_id=download_job_id(recording.sid),
            retry=DOWNLOAD_RETRY, timeout=DOWNLOAD_TIMEOUT_SECONDS)


def claim_attempt(session: Session, recording_id: int) -> bool:
    """Start a download attempt if the recording is pending and due; False if it is not ours to do."""
    moment = now()
    result = session.execute(
        update(Recording)
        .where(Recording.id == recording_id, Recording.status == "pending",
               or_(Recording.download_due_at.is_(None), Recording.download_due_at <= moment))
        .values(download_attempts=Recording.download_attempts + 1, download_due_at=moment + ATTEMPT_LEASE)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def fetch_recording(recording_id: int) -> str:
    session = db.session()
    recording = session.get(Recording, recording_id)
    if recording is None:
        return "gone"
    if recording.status != "pending":
        return recording.status  # already stored (or failed, purged): a duplicate job does nothing
    claimed = claim_attempt(session, recording_id)
    session.commit()
    if not claimed:
        return "not due"  # another job's attempt holds it, or its retry time has not come
    session.refresh(recording)
    settings = current_app.config["HOTLINE_SETTINGS"]
    cap = max_download_bytes(recording.duration_seconds, settings.recording_max_mb * 1024 * 1024)
    try:
        data = get_gateway().download_recording(recording.sid, max_bytes=cap)
    except GatewayError as exc:
        if exc.retryable and recording.download_attempts < MAX_ATTEMPTS:
            return retry_later(recording, exc)
        mark_failed(recording, f"download from Twilio failed after {recording.download_attempts} "
                               f"attempt(s): {exc}")
        return "failed"
    try:
        info = read_wav_info(data)
    except BadAudio as exc:
        mark_failed(recording, f"Twilio sent a file we cannot use: {exc}")
        return "failed"

    relative = relative_path_for(recording.sid, recording.created_at)
    target = write_atomically(settings.recordings_dir, relative, data)
    digest = hashlib.sha256(data).hexdigest()
    if hashlib.sha256(target.read_bytes()).hexdigest() != digest:
        target.unlink(missing_ok=True)
        raise OSError(f"recording {recording.sid}: the stored copy does not match what was downloaded")
    recording.path, recording.size_bytes, recording.sha256 = relative, len(data), digest
    recording.channels, recording.sample_rate = info.channels, info.sample_rate
    recording.audio_seconds = round(info.seconds, 3)
    recording.status, recording.stored_at, recording.failure_reason = "stored", now(), None
    recording.download_due_at = None
    session.commit()
    log.info("recording %s stored: %d bytes, %d ch, %d Hz, %.1f s", recording.sid, len(data),
             info.channels, info.sample_rate, info.seconds)

    if settings.delete_twilio_recordings:
        delete_at_twilio(recording)
    publish(RecordingCompleted(recording.id))
    return "stored"


def retry_later(recording: Recording, exc: GatewayError) -> str:
    """Note when the next attempt is due, then let RQ retry (or, with no retry left, the sweeper)."""
    delay = BACKOFF_SECONDS[min(recording.download_attempts, len(BACKOFF_SECONDS)) - 1]
    recording.download_due_at = now() + timedelta(seconds=delay)
    recording.failure_reason = (f"attempt {recording.download_attempts} of {MAX_ATTEMPTS} failed ({exc}); "
                                f"next attempt at {recording.download_due_at:%Y-%m-%d %H:%M:%S} UTC")
    db.session().commit()
    log.warning("recording %s download failed, will retry in %d s: %s", recording.sid, delay, exc)
    job = get_current_job()
    if job is not None and job.retries_left:
        raise exc
    return "retry due"


def delete_at_twilio(recording: Recording) -> None:
    """Only after our copy is verified; a failure leaves Twilio's copy, which is safe, and is logged."""
    try:
        get_gateway().delete_recording(recording.sid)
    except GatewayError as exc:
        log.warning("recording %s kept at Twilio: delete failed: %s", recording.sid, exc)
        return
    recording.deleted_at_twilio = now()
    db.session().commit()


def mark_failed(recording: Recording, reason: str) -> None:
    recording.status, recording.failure_reason, recording.download_due_at = "failed", reason, None
    db.session().commit()
    log.error("recording %s failed: %s", recording.sid, reason)


def stored_file(recording: Recording | RecordingFile):
    """The absolute path of a stored recording, never outside RECORDINGS_DIR."""
    root = current_app.config["HOTLINE_SETTINGS"].recordings_dir
    return resolve_inside(root, recording.path or "")
