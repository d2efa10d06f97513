"""The reconciliation sweep: ask Twilio what its callbacks may not have told us.

Twilio sends a status or recording callback once; if we answered 5xx (the database was down) and
the URL carries no connection overrides, it is never sent again, and the call stays `in-progress`
and its recording unknown for ever. So every call carries `reconcile_at`, a time to ask Twilio
about it (`hotline.calls`): a few sweep periods after it started, and again a few after it ended.
The sweep takes the calls whose time has come, earliest first (a partial index holds only those
with something left to ask, so it costs the same at a million calls), and through the gateway:
- a call not yet final here: `GET .../Calls/<sid>.json`; a final status there is applied exactly as
  its status callback would have been (forward only, `call_ended` announced: routing frees the line,
  counts an abandonment, starts the agent's wrap-up); still live: asked again later;
- a final call: `GET .../Calls/<sid>/Recordings.json`, announced as `recordings_listed`; recordings
  stores the ones it never heard of and enqueues their downloads (one row, one job id each). While
  Twilio is still processing one, the call is asked again later; otherwise it is done (`None`).
"""
from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy import select, update

from hotline import db
from hotline.calls import apply_status, reconcile_delay
from hotline.clock import now
from hotline.contracts import RecordingsListed, publish
from hotline.gateway import GatewayError, get_gateway
from hotline.models import FINAL_CALL_STATUSES, Call
from hotline.voice import track_call_status

log = logging.getLogger(__name__)
BATCH = 100  # calls per run: two REST requests each at most; the next run takes the rest


def due_calls(limit: int | None = None) -> list[Call]:
    """The calls whose time to be asked about has come, earliest first (ix_calls_reconcile_at)."""
    return list(db.session().scalars(select(Call).where(Call.reconcile_at <= now())
                                     .order_by(Call.reconcile_at, Call.id).limit(limit or BATCH)))


def reconcile_calls() -> dict[str, int]:
    """Periodic job (`hotline-reconcile-calls`): returns what it found, by outcome."""
    session = db.session()
    outcomes: Counter[str] = Counter()
    for call in due_calls():
        call_id, sid = call.id, call.sid
        try:
            outcomes[reconcile_call(call)] += 1
        except GatewayError as exc:
            session.rollback()
            # Twilio unreachable or refusing: ask again later; a request it will never answer: give up.
            later = now() + reconcile_delay("live") if exc.retryable else None
            session.execute(update(Call).where(Call.id == call_id).values(reconcile_at=later))
            session.commit()
            log.warning("reconciliation: Twilio did not answer about a call (%s)%s", exc,
                        "" if exc.retryable else "; not asked again", extra={"call_sid": sid})
            outcomes["unanswered"] += 1
    counts = {k: v for k, v in outcomes.items() if k != "nothing missed"}
    if counts:
        log.info("reconciliation: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return dict(outcomes)


def reconcile_call(call: Call) -> str:
    """Ask Twilio about one call and apply what it says; commits. Returns what was found."""
    session = db.session()
    gateway = get_gateway()
    sid = call.sid
    outcome = "nothing missed"
    if not call.is_final:
        state = gateway.fetch_call(sid)
        if state is None:  # Twilio has no such call (not one of this account's): nothing to ask
            call.reconcile_at = None
            session.commit()
            return "unknown to Twilio"
        if state.status not in FINAL_CALL_STATUSES:
            apply_status(session, call, state.status)  # forward only: a ringing call may be answered
            call.reconcile_at = now() + reconcile_delay("live")
            session.commit()
            return "still live"
        form = {"CallSid": sid, "CallStatus": state.status}
        if state.duration and state.duration.isascii() and state.duration.isdigit():
            form["CallDuration"] = state.duration
        track_call_status(form)  # what the lost callback would have done, side effects included
        log.info("reconciliation: call ended %s by Twilio's record (its callback was lost)", state.status,
                 extra={"call_sid": sid})
        outcome = "end applied"
    recordings = gateway.call_recordings(sid)
    found = sum(result or 0 for result in publish(RecordingsListed(sid, tuple(recordings))))
    processing = any(r.status == "processing" for r in recordings)
    call.reconcile_at = now() + reconcile_delay("ended") if processing else None
    session.commit()
    if found:
        log.info("reconciliation: %d recording(s) of the call were never reported; stored now", found,
                 extra={"call_sid": sid})
        return "recordings found" if outcome == "nothing missed" else outcome + ", recordings found"
    return outcome
