"""Purging access-log rows older than RECORDINGS_RETENTION_DAYS (0 keeps them forever): the log says
who opened the audio and transcripts, so it is kept as long as the audio is, and no longer."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from access.models import AccessLogEntry
from hotline import db
from hotline.clock import now

log = logging.getLogger(__name__)


def purge_expired_access_log() -> int:
    days = current_app.config["HOTLINE_SETTINGS"].recordings_retention_days
    if days <= 0:
        return 0
    cutoff = now() - timedelta(days=days)
    session = db.session()
    removed = session.execute(delete(AccessLogEntry).where(AccessLogEntry.at < cutoff)).rowcount or 0
    session.commit()
    if removed:
        log.info("retention purge: %d access-log row(s) older than %s removed", removed, cutoff.date())
    return removed
