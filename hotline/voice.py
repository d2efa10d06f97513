"""Call status callbacks: one correct Call row per CallSid, whatever order they arrive in.

The status is committed before anything else, in one transaction the view owns; a callback whose
database write failed answers 503 (`twilio_callback`), so Twilio retries it when the URL carries
connection overrides. A call's end is then announced after that commit (`call_ended`: routing frees
the line and the agent, the IVR settles the path) and marked done (`calls.end_announced_at`) only
after every receiver succeeded; if one failed (Redis down), the periodic `replay_call_ends`
announces it again. Receivers are idempotent.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hotline import db
from hotline.contracts import CallEnded, publish
from hotline.calls import apply_status, ensure_call
from hotline.conference_events import record_conference_event
from hotline.clock import now
from hotline.metrics import CALLS_BY_STATUS
from hotline.models import Call
from hotline.webhooks import twilio_callback

bp = Blueprint("voice", __name__, url_prefix="/voice")
log = logging.getLogger(__name__)
# The replay leaves a just-ended call to its own callback; it looks back this far for missed ones.
REPLAY_AFTER = timedelta(seconds=30)
REPLAY_HORIZON = timedelta(hours=6)


def track_call_status(form) -> bool:
    """Apply one status callback to its Call (idempotent, forward only); a call's end is announced
    once the caller (the view) commits.

    Returns whether the status moved. Any webhook receiving status callbacks (ours, or an area's
    own StatusCallback for outbound calls) goes through here, so calls are counted once.
    """
    sid = form["CallSid"]
    status = form.get("CallStatus", "")
    session = db.session()
    call = ensure_call(session, sid, form, apply_call_status=False)
    changed = apply_status(session, call, status, form)
    if changed:
        db.after_commit(_count_status, status, session=session)
    if call.is_final:
        db.after_commit(announce_call_end, session, call, session=session)
    return changed


def _count_status(status: str) -> None:
    CALLS_BY_STATUS.labels(status).inc()
    log.info("call is %s", status)


def announce_call_end(session: Session, call: Call) -> bool:
    """Send `call_ended` for a call in a final status unless that was already done.

    Runs after the call's status is committed (a follow-up of that commit, or the replay job) and
    owns its own transaction: the mark is committed only if every receiver succeeded. If one fails
    (Redis down: routing cannot free the line) the announcement stays unmarked and
    `replay_call_ends` makes it again later, so the callback itself is done and may be
    acknowledged. Returns whether it was announced now."""
    if call.end_announced_at is not None:
        return False
    sid = call.sid
    try:
        publish(CallEnded(sid, call.status))
        session.execute(update(Call).where(Call.id == call.id).values(end_announced_at=now()))
        session.commit()
    except Exception:
        session.rollback()
        log.warning("a receiver of call_ended failed; the call's end is announced again later", exc_info=True,
                    extra={"call_sid": sid})
        return False
    return True


def replay_call_ends() -> int:
    """Periodic job: announce the ends of calls whose callback failed and was not retried."""
    session = db.session()
    moment = now()
    calls = session.scalars(select(Call).where(Call.ended_at >= moment - REPLAY_HORIZON,
                                               Call.ended_at <= moment - REPLAY_AFTER, Call.end_announced_at.is_(None))
                            .order_by(Call.ended_at).limit(500)).all()
    replayed = 0
    for call in calls:
        replayed += announce_call_end(session, call)  # a failure waits for the next run
    return replayed


@bp.post("/status")
@twilio_callback
def status_callback():
    if not request.form.get("CallSid"):
        return "CallSid is required\n", 400
    track_call_status(request.form)
    db.session().commit()
    return "", 204


@bp.post("/conference")
@twilio_callback
def conference_callback():
    """A conference's status callback, kept in the history of the call it concerns (idempotent)."""
    if not request.form.get("ConferenceSid") or not request.form.get("StatusCallbackEvent"):
        return "ConferenceSid and StatusCallbackEvent are required\n", 400
    record_conference_event(db.session(), request.form)
    db.session().commit()
    return "", 204
