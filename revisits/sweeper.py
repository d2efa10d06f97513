"""The periodic sweep that makes the database, not Redis, the schedule of record.

Every minute: hand back attempts whose worker died before dialing (their lease ran out), set an
alarm for every due revisit whose RQ job is gone (Redis flushed, job failed) or late (no RQ
scheduler running), close SMS surveys nobody answered, and give up calls Twilio never reported.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from hotline import db, jobs
from hotline.clock import now
from revisits.models import Revisit
from revisits.outcomes import record_call_end
from revisits.schedule import job_id, set_alarm
from revisits.states import move

log = logging.getLogger(__name__)
# Longer than a job may wait for its pacing slot (messaging.pacing.TokenBucket.take) plus dialing.
CLAIM_LEASE = timedelta(minutes=15)
LATE = timedelta(minutes=1)
CALL_LOST_AFTER = timedelta(hours=2)  # no final callback from Twilio for this long: the call is over
SMS_REPLY_WINDOW = timedelta(hours=48)


def sweep_revisits() -> dict[str, int]:
    session = db.session()
    moment = now()
    counts = {"reclaimed": 0, "alarms": 0, "closed": 0, "lost_calls": 0}
    for revisit in session.scalars(select(Revisit).where(Revisit.state.in_(("calling", "texting")),
                                                         Revisit.call_sid.is_(None), Revisit.message_sid.is_(None),
                                                         Revisit.claimed_at < moment - CLAIM_LEASE)).all():
        if move(session, revisit.id, (revisit.state,), "scheduled", attempt=revisit.attempts,
                where=(Revisit.call_sid.is_(None), Revisit.claimed_at < moment - CLAIM_LEASE),
                attempts=revisit.attempts - 1, claimed_at=None, claim=None, due_at=moment):
            counts["reclaimed"] += 1
    for revisit in session.scalars(select(Revisit).where(Revisit.state.in_(("calling", "answered", "machine")),
                                                         Revisit.call_sid.is_not(None),
                                                         Revisit.claimed_at < moment - CALL_LOST_AFTER)).all():
        record_call_end(session, revisit, "failed")
        counts["lost_calls"] += 1
    due = session.scalars(select(Revisit).where(Revisit.state == "scheduled", Revisit.due_at <= moment)
                          .order_by(Revisit.due_at).execution_options(populate_existing=True)).all()
    for revisit in due:
        if _needs_alarm(job_id(revisit, revisit.attempts + 1), late=revisit.due_at <= moment - LATE):
            set_alarm(revisit, immediately=True)
            counts["alarms"] += 1
    for revisit in session.scalars(select(Revisit).where(Revisit.state == "sms_sent",
                                                         Revisit.claimed_at < moment - SMS_REPLY_WINDOW)).all():
        answered = revisit.solved is not None
        if move(session, revisit.id, ("sms_sent",), "completed" if answered else "expired",
                last_outcome=None if answered else "no-reply", completed_at=moment if answered else None):
            counts["closed"] += 1
    if any(counts.values()):
        log.info("revisit sweep: %s", counts)
    return counts


def _needs_alarm(id_: str, late: bool) -> bool:
    # A late scheduled job (RQ's scheduler behind or not running) is moved to its queue now.
    return jobs.job_status(id_, late=late) not in jobs.LIVE_STATUSES
