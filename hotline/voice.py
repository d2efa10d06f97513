"""Call status callbacks: one correct Call row per CallSid, whatever order they arrive in."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, request

from hotline import db, signals
from hotline.calls import apply_status, ensure_call
from hotline.metrics import CALLS_BY_STATUS
from hotline.models import FINAL_CALL_STATUSES
from hotline.webhooks import twilio_webhook

bp = Blueprint("voice", __name__, url_prefix="/voice")
log = logging.getLogger(__name__)


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
        if status in FINAL_CALL_STATUSES:
            signals.call_ended.send(current_app._get_current_object(), call_sid=sid, status=status)
            session.commit()
    return changed


@bp.post("/status")
@twilio_webhook
def status_callback():
    if not request.form.get("CallSid"):
        return "CallSid is required\n", 400
    track_call_status(request.form)
    return "", 204
