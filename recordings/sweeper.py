"""The periodic sweep that makes the database, not Redis, the record of which downloads are due.

Every minute: every pending recording whose download is due gets its job enqueued again under its
one job id (`recording-download-<sid>`); a job still waiting, retrying or running under that id is
kept, so a sweep never doubles work, and a job that finds the recording stored does nothing. This
recovers downloads lost with a Redis flush, a killed worker or a callback whose enqueue failed.
A recording Twilio never reported completed is fetched by its sid once no call could still be
recording it; if Twilio has nothing, it ends `failed` with that reason instead of `pending` forever.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import and_, or_, select

from hotline import db
from hotline.clock import now
from recordings.download import schedule_download
from recordings.models import Recording

log = logging.getLogger(__name__)
SWEEP_INTERVAL_SECONDS = 60
BATCH = 500  # per sweep; the next sweep takes the rest
# Twilio ends a call after 4 hours (Dial timeLimit's maximum); a recording still `in-progress` for
# longer than that lost its completed callback.
NO_CALLBACK_AFTER = timedelta(hours=5)


def sweep_recordings() -> dict[str, int]:
    session = db.session()
    moment = now()
    due = session.scalars(
        select(Recording)
        .where(Recording.status == "pending",
               or_(and_(Recording.twilio_status == "completed", Recording.twilio_error_code.is_(None)),
                   and_(Recording.twilio_status == "in-progress", Recording.created_at < moment - NO_CALLBACK_AFTER)),
               or_(Recording.download_due_at.is_(None), Recording.download_due_at <= moment))
        .order_by(Recording.id).limit(BATCH)).all()
    for recording in due:
        schedule_download(recording)
    if due:
        log.info("recording sweep: %d download(s) due checked", len(due))
    return {"downloads_due": len(due)}
