"""The outbound job: one attempt of a revisit, a paced call or (after the last call) the SMS survey.

Order matters for exactly-once: claim the attempt in the database first (only one worker wins),
then (a call) wait for the fleet-wide calls token, check the do-not-contact list at that very
moment, and only then dial, or (the survey) hand the text to messaging's outbox, which paces it
with every other SMS and tells texts.on_text_outcome how it went. A worker killed after the claim
leaves a claimed attempt with no CallSid; the sweeper hands it back once its lease is over.
"""
from __future__ import annotations

import logging
import secrets

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from hotline import db
from hotline.clock import now
from hotline.contracts import Messaging, need
from hotline.gateway import GatewayError, get_gateway
from hotline.logging import mask_phone
from hotline.redis_client import get_redis
from hotline.webhooks import callback_url, public_url_for
from revisits.models import Revisit, RevisitAttempt
from revisits.schedule import schedule_next_attempt
from revisits.states import move
from revisits.texts import SURVEY, on_text_outcome, queue_text

log = logging.getLogger(__name__)


def run_revisit_attempt(revisit_id: int, attempt: int) -> str:
    """Make attempt `attempt` of the revisit unless it was made already; returns what happened."""
    session = db.session()
    revisit = session.get(Revisit, revisit_id)
    if revisit is None or revisit.state != "scheduled" or revisit.attempts != attempt - 1:
        return "skipped: already made or no longer due"
    if now() >= revisit.deadline_at:
        move(session, revisit.id, ("scheduled",), "expired", attempt=attempt - 1, last_outcome="deadline")
        return "expired"
    if need(Messaging).is_opted_out(session, revisit.phone):
        move(session, revisit.id, ("scheduled",), "opted_out", attempt=attempt - 1)
        return "opted out"
    channel = "sms" if attempt > revisit.call_attempts else "call"
    claim = secrets.token_hex(16)
    state = "texting" if channel == "sms" else "calling"
    claimed = move(session, revisit.id, ("scheduled",), state, attempt=attempt - 1, attempts=attempt,
                   claimed_at=now(), claim=claim, call_sid=None, commit=False)
    if not claimed:
        session.rollback()
        return "skipped: another worker has it"
    _log_attempt(session, revisit.id, attempt, channel)
    session.commit()
    # What the claim wrote, without a read back; a plain assignment would be flushed later and could
    # overwrite a hand-back by the sweeper.
    for name, value in (("state", state), ("attempts", attempt), ("claim", claim), ("call_sid", None)):
        set_committed_value(revisit, name, value)
    settings = current_app.config["HOTLINE_SETTINGS"]
    if channel == "call" and not need(Messaging).outbound_bucket(get_redis(), "calls",
                                                                 settings.outbound_calls_per_second).take():
        _release(session, revisit, attempt, channel)
        raise GatewayError("outbound pacing: no slot within the wait limit")  # RQ retries later
    # Checked again at send time (a STOP may have just arrived), in a transaction of its own so it
    # reads what is committed now. A long wait may also have outlived the claim's lease: dial only
    # if the attempt is still ours, and renew the lease so the sweeper cannot hand it on meanwhile.
    session.commit()
    if need(Messaging).is_opted_out(session, revisit.phone):
        move(session, revisit.id, (state,), "opted_out", attempt=attempt, where=(Revisit.claim == claim,))
        return "opted out"
    if not move(session, revisit.id, (state,), attempt=attempt, where=(Revisit.claim == claim,), claimed_at=now()):
        return "skipped: the claim was handed back while waiting"
    if channel == "sms":
        return _send_survey(session, revisit, attempt)
    return _place_call(session, revisit, attempt)


def _log_attempt(session, revisit_id: int, attempt: int, channel: str) -> None:
    row = session.scalars(select(RevisitAttempt).where(RevisitAttempt.revisit_id == revisit_id,
                                                       RevisitAttempt.attempt == attempt)).first()
    if row is None:
        session.add(RevisitAttempt(revisit_id=revisit_id, attempt=attempt, channel=channel, started_at=now()))
    else:  # a claim handed back by the sweeper is being made again
        row.started_at, row.outcome, row.sid = now(), None, None


def _release(session, revisit: Revisit, attempt: int, channel: str) -> None:
    """Give the claim back (nothing was sent) so RQ's retry can make the attempt later."""
    move(session, revisit.id, ("texting" if channel == "sms" else "calling",), "scheduled", attempt=attempt,
         where=(Revisit.call_sid.is_(None), Revisit.claim == revisit.claim), attempts=attempt - 1, claimed_at=None,
         claim=None)


def _place_call(session, revisit: Revisit, attempt: int) -> str:
    values = {"revisit": revisit.id, "attempt": attempt}
    placed_at = now()
    try:
        placed = get_gateway().place_call(
            revisit.phone, public_url_for("revisits.answer", **values),
            status_callback=callback_url("revisits.call_status", **values),
            timeout=30, machine_detection="Enable")
    except GatewayError as exc:
        if exc.retryable:
            _release(session, revisit, attempt, "call")
            raise  # RQ retries with backoff (hotline.jobs.NETWORK_RETRY)
        log.warning("revisit call to %s refused: %s", mask_phone(revisit.phone), exc)
        schedule_next_attempt(session, revisit, attempt, "failed", ("calling",))
        return "failed"
    # The answer webhook may have stored the CallSid already; either way it is the same call.
    move(session, revisit.id, ("calling", "answered", "machine"), attempt=attempt,
         where=(Revisit.call_sid.is_(None),), call_sid=placed.sid, commit=False)
    session.execute(update(RevisitAttempt).where(RevisitAttempt.revisit_id == revisit.id,
                                                 RevisitAttempt.attempt == attempt)
                    .values(sid=placed.sid, placed_at=placed_at))
    session.commit()
    return f"called {placed.sid}"


def _send_survey(session, revisit: Revisit, attempt: int) -> str:
    """Store the survey in the outbox with the claim; the revisit stays `texting` until it is sent."""
    message = queue_text(session, revisit, SURVEY)
    if message is None:  # opted out since the check above
        move(session, revisit.id, ("texting",), "opted_out", attempt=attempt, commit=False)
    elif message.status != "pending":
        # Sent while the sweeper had handed this claim back: the outcome it could not apply then.
        on_text_outcome(session, message)
    session.commit()
    return f"survey queued as message {message.id}" if message is not None else "opted out"
