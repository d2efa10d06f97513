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


@bp.post("/status")
@twilio_webhook
def status_callback():
    sid = request.form.get("CallSid", "")
    status = request.form.get("CallStatus", "")
    if not sid:
        return "CallSid is required\n", 400
    session = db.session()
    call = ensure_call(session, sid, request.form, apply_call_status=False)
    changed = apply_status(session, call, status, request.form)
    session.commit()
    if changed:
        CALLS_BY_STATUS.labels(status).inc()
        log.info("call is %s", status)
        if status in FINAL_CALL_STATUSES:
            signals.call_ended.send(current_app._get_current_object(), call_sid=sid, status=status)
            session.commit()
    return "", 204
