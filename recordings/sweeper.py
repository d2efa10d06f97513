"""The periodic sweep that makes the database, not Redis, the record of which downloads are due.

Every SWEEP_SECONDS (a minute by default): every pending recording whose download is due gets its job enqueued again under its
one job id (`recording-download-<sid>`) unless a job is still waiting, retrying or running under
that id, so a sweep never doubles work; a retry overdue in RQ's schedule (no scheduler running) is
moved to its queue; a job that finds the recording stored does nothing. This
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
from hotline.jobs import LIVE_STATUSES, job_status
from recordings.download import download_job_id, schedule_download
from recordings.models import Recording

log = logging.getLogger(__name__)
BATCH = 500  # per sweep; the next sweep takes the rest
# Twilio ends a call after 4 hours (Dial timeLimit's maximum); a recording still `in-progress` for
# longer than that lost its completed callback.
NO_CALLBACK_AFTER = timedelta(hours=5)
LATE = timedelta(minutes=1)


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
    enqueued = 0
    for recording in due:
        # A retry RQ still holds as scheduled but that is overdue (no scheduler running) runs now.
        late = recording.download_due_at is not None and recording.download_due_at <= moment - LATE
        if job_status(download_job_id(recording.sid), late=late) not in LIVE_STATUSES:
            schedule_download(recording)
            enqueued += 1
    if enqueued:
        log.info("recording sweep: %d download(s) enqueued again (of %d due)", enqueued, len(due))
    return {"downloads_due": len(due), "enqueued": enqueued}
