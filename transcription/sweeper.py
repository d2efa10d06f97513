"""The periodic sweep that re-enqueues transcriptions the database says are due and Redis lost.

A stored recording is due for transcription while it has no transcript, or one still `queued`, or one
`running` for longer than a job may run (RQ kills a job at its timeout, so nobody is decoding it any
more). Each gets `transcribe-<recording id>` again unless a job is still waiting, retrying or
running under that id, and a job that finds the transcript done does nothing, so a sweep never doubles
work. A `running` transcript inside its lease is left alone while Redis has no job for it: after a
Redis flush its worker may still be decoding, and a second decode would be wasted. But if Redis holds
its job as failed or finished (a worker killed mid-decode: its job is found abandoned, see
`hotline.jobs.job_status`), nobody is decoding it, and it is enqueued again at once.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import exists, select

from hotline import db
from hotline.clock import now
from hotline.contracts import RecordingAudio, need
from hotline.jobs import LIVE_STATUSES, job_status
from transcription.models import Transcript
from transcription.scheduling import TRANSCRIBE_TIMEOUT_SECONDS, schedule_transcription, transcription_job_id

log = logging.getLogger(__name__)
BATCH = 200


def _settled(recording_id):
    """A transcript no job needs to touch again: done or failed."""
    return exists().where(Transcript.recording_id == recording_id, Transcript.status.not_in(("queued", "running")))


def sweep_transcriptions() -> dict[str, int]:
    lease = timedelta(seconds=TRANSCRIBE_TIMEOUT_SECONDS + 60)
    session = db.session()
    # Recordings' query of stored recordings, less those this area has settled (NOT EXISTS on its
    # own table), joined back to their queued or running transcript: one statement.
    stored = need(RecordingAudio).stored_recording_ids(unless=_settled).limit(BATCH).subquery()
    due = session.execute(
        select(stored.c.id, Transcript.status, Transcript.updated_at < now() - lease)
        .outerjoin(Transcript, Transcript.recording_id == stored.c.id)
        .order_by(stored.c.id)).all()
    enqueued = 0
    for recording_id, status, past_lease in due:
        # Past its lease a crashed job's retry, if RQ still holds one, is overdue: run it now.
        job = job_status(transcription_job_id(recording_id), late=status == "running" and bool(past_lease))
        if job in LIVE_STATUSES:
            continue
        if status == "running" and not past_lease and job is None:
            continue  # Redis lost the job, not the worker: it may still be decoding, until the lease ends
        # Otherwise nobody is decoding it: no transcript yet, a queued one whose job is gone, or a
        # running one whose job RQ holds as failed (its worker was killed: see `job_status`).
        schedule_transcription(recording_id)
        enqueued += 1
    if enqueued:
        log.info("transcription sweep: %d transcription(s) enqueued again (of %d due)", enqueued, len(due))
    return {"transcriptions_due": len(due), "enqueued": enqueued}
