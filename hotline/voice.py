"""Call status callbacks: one correct Call row per CallSid, whatever order they arrive in.

A call's end is announced (`call_ended`: routing frees the line and the agent, the IVR settles the
path) at least once: the status is committed first, the announcement is marked done
(`calls.end_announced_at`) only after every receiver succeeded, and a callback whose receivers
failed answers 503. Twilio's retry of that callback (connection overrides on the URL) or, failing
that, the periodic `replay_call_ends` announces it again; receivers are idempotent.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, current_app, request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hotline import db, signals
from hotline.calls import apply_status, ensure_call
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
    """Apply one status callback to its Call (idempotent, forward only) and announce a call's end.

    Returns whether the status moved. Any webhook receiving status callbacks (ours, or an area's
    own StatusCallback for outbound calls) goes through here, so calls are counted once.
    """
    sid = form["CallSid"]
    status = form.get("CallStatus", "")
    session = db.session()
    call = ensure_call(session, sid, form, apply_call_status=False)
    changed = apply_status(session, call, status, form)
    session.commit()
    if changed:
        CALLS_BY_STATUS.labels(status).inc()
        log.info("call is %s", status)
    if call.is_final:
        announce_call_end(session, call)
    return changed


def announce_call_end(session: Session, call: Call) -> bool:
    """Send `call_ended` for a call in a final status unless that was already done; commits.
    A receiver's exception propagates with the announcement not marked, so it is made again."""
    if call.end_announced_at is not None:
        return False
    signals.call_ended.send(current_app._get_current_object(), call_sid=call.sid, status=call.status)
    session.execute(update(Call).where(Call.id == call.id).values(end_announced_at=now()))
    session.commit()
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
        try:
            replayed += announce_call_end(session, call)
        except Exception:  # the next run tries again; one bad call must not stop the others
            session.rollback()
            log.warning("could not announce a call's end", exc_info=True, extra={"call_sid": call.sid})
    return replayed


@bp.post("/status")
@twilio_callback
def status_callback():
    if not request.form.get("CallSid"):
        return "CallSid is required\n", 400
    track_call_status(request.form)
    return "", 204
