"""Purging audio older than RECORDINGS_RETENTION_DAYS (0 keeps it forever); transcripts stay."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, select

from hotline import db
from hotline.clock import now
from recordings.models import Recording
from recordings.storage import UnsafePath, resolve_inside

log = logging.getLogger(__name__)


def expired_recordings(cutoff: datetime) -> Select:
    """Stored copies older than `cutoff`; served by the partial index ix_recordings_stored_at_stored."""
    return select(Recording).where(Recording.status == "stored", Recording.stored_at < cutoff)


def purge_expired_recordings() -> list[str]:
    settings = current_app.config["HOTLINE_SETTINGS"]
    if settings.recordings_retention_days <= 0:
        return []
    cutoff = now() - timedelta(days=settings.recordings_retention_days)
    session = db.session()
    expired = session.scalars(expired_recordings(cutoff)).all()
    purged = []
    for recording in expired:
        try:
            resolve_inside(settings.recordings_dir, recording.path or "").unlink(missing_ok=True)
        except UnsafePath:
            log.error("recording %s has a path outside RECORDINGS_DIR; left alone", recording.sid)
            continue
        log.info("purged recording %s of call %s (%s bytes, stored %s, retention %d days)", recording.sid,
                 recording.call_sid, recording.size_bytes, recording.stored_at.isoformat(),
                 settings.recordings_retention_days)
        recording.status, recording.purged_at, recording.path = "purged", now(), None
        purged.append(recording.sid)
    session.commit()
    if purged:
        log.info("retention purge: %d recording(s) older than %s removed", len(purged), cutoff.date())
    return purged
