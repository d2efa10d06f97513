"""The download job: fetch a completed recording from Twilio, keep a verified copy, announce it.

Runs on the `default` queue. A retryable gateway failure (timeout, 5xx, 429) raises so RQ retries it
with backoff; anything retrying cannot fix (404, a non-WAV body) marks the recording failed at once.
"""
from __future__ import annotations

import hashlib
import logging

from flask import current_app
from rq import Retry, get_current_job

from hotline import db
from hotline.clock import now
from hotline.gateway import GatewayError, get_gateway
from hotline.signals import recording_completed
from recordings.models import Recording
from recordings.storage import relative_path_for, resolve_inside, write_atomically
from recordings.wavinfo import BadAudio, read_wav_info

log = logging.getLogger(__name__)

# Twilio usually has the file within seconds; a minute-long outage should still end well.
DOWNLOAD_RETRY = Retry(max=5, interval=[5, 30, 120, 600, 1800])


def schedule_download(recording: Recording) -> None:
    from hotline.jobs import enqueue

    enqueue(fetch_recording, recording.id, queue="default", job_id=f"recording-download-{recording.sid}",
            retry=DOWNLOAD_RETRY, timeout=600)


def _last_attempt() -> bool:
    job = get_current_job()
    return job is None or not job.retries_left


def fetch_recording(recording_id: int) -> str:
    session = db.session()
    recording = session.get(Recording, recording_id)
    if recording is None:
        return "gone"
    if recording.status in {"stored", "purged"}:
        return recording.status  # a duplicate job after a redelivered callback
    settings = current_app.config["HOTLINE_SETTINGS"]
    recording.download_attempts += 1
    session.commit()
    try:
        data = get_gateway().download_recording(recording.twilio_url or "")
    except GatewayError as exc:
        if exc.retryable and not _last_attempt():
            log.warning("recording %s download failed, will retry: %s", recording.sid, exc)
            raise
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
    session.commit()
    log.info("recording %s stored: %d bytes, %d ch, %d Hz, %.1f s", recording.sid, len(data),
             info.channels, info.sample_rate, info.seconds)

    if settings.delete_twilio_recordings:
        delete_at_twilio(recording)
    recording_completed.send(current_app._get_current_object(), recording_id=recording.id)
    return "stored"


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
    recording.status, recording.failure_reason = "failed", reason
    db.session().commit()
    log.error("recording %s failed: %s", recording.sid, reason)


def stored_file(recording: Recording):
    """The absolute path of a stored recording, never outside RECORDINGS_DIR."""
    root = current_app.config["HOTLINE_SETTINGS"].recordings_dir
    return resolve_inside(root, recording.path or "")
