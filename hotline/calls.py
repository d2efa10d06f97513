"""Keeping one correct `Call` row per CallSid, whatever order Twilio's callbacks arrive in."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hotline.clock import now
from hotline.models import CALL_STATUS_RANK, Call, CallEvent

DIRECTIONS = {"inbound", "outbound-api", "outbound-dial"}


def ensure_call(session: Session, sid: str, params: Mapping[str, str] | None = None, *,
                apply_call_status: bool = True, created_at: datetime | None = None) -> Call:
    """Return the call for `sid`, creating it from Twilio's parameters if this is its first request,
    and move it to the request's CallStatus if that is forward.

    Two processes receiving the first two callbacks of a call at once still create one row. On
    PostgreSQL this is one statement: `INSERT .. ON CONFLICT (sid) DO UPDATE .. RETURNING`, whose
    no-op update locks the row (new or existing) until commit, so status moves of concurrent
    callbacks for the same call serialise, in one round trip. Elsewhere (SQLite, which serialises
    writers anyway) the insert is `ON CONFLICT DO NOTHING` followed by a read. `created_at` is when
    the call arrived, for a row written after the fact (the IVR settles its calls a little later).
    """
    params = params or {}
    direction = params.get("Direction", "inbound")
    values = {
        "sid": sid,
        "parent_sid": params.get("ParentCallSid") or None,
        "direction": direction if direction in DIRECTIONS else "inbound",
        "from_number": params.get("From", ""),
        "to_number": params.get("To", ""),
        # Created at the start of life; the caller then applies the request's CallStatus, which
        # records it as the first event.
        "status": "queued",
        "created_at": created_at or now(),
        "updated_at": now(),
        # Asked of Twilio later if no callback has told us the call's end by then (hotline.reconcile).
        "reconcile_at": (created_at or now()) + reconcile_delay("live"),
    }
    if session.get_bind().dialect.name == "postgresql":
        statement = pg_insert(Call).values(**values)
        # Setting sid to itself changes nothing but takes the row lock, like SELECT .. FOR UPDATE.
        upsert = statement.on_conflict_do_update(index_elements=["sid"], set_={"sid": statement.excluded.sid})
        call = session.scalars(upsert.returning(Call), execution_options={"populate_existing": True}).one()
    else:
        session.execute(sqlite_insert(Call).values(**values).on_conflict_do_nothing(index_elements=["sid"]))
        call = session.scalars(select(Call).where(Call.sid == sid).execution_options(populate_existing=True)).one()
    if apply_call_status and params.get("CallStatus"):
        apply_status(session, call, params["CallStatus"], params)
    return call


def reconcile_delay(kind: str) -> timedelta:
    """How long after a call's start ("live") or end ("ended") the reconciliation sweep asks Twilio
    about it: a few sweep periods, so a callback that is merely late is not raced."""
    try:
        seconds = current_app.config["HOTLINE_SETTINGS"].sweep_seconds
    except RuntimeError:  # outside an app (scripts building rows): production's period
        seconds = 60
    return timedelta(seconds=seconds * (4 if kind == "live" else 2))


def record_event(session: Session, call: Call, kind: str, **data: Any) -> CallEvent:
    """Append one step to the call's history (IVR step, queue entry, offer, answer, hang-up...)."""
    event = CallEvent(call=call, kind=kind, data=data, at=now())
    session.add(event)
    return event


def apply_status(session: Session, call: Call, status: str, params: Mapping[str, str] | None = None) -> bool:
    """Move the call to `status` if that is forward; return whether anything changed.

    Retries of the same callback and callbacks that arrive after a later one change nothing.
    """
    params = params or {}
    if status not in CALL_STATUS_RANK:
        return False
    duration = params.get("CallDuration")
    # ASCII digits only ("²".isdigit() is true); webhooks already refuse other values with a 400.
    duration = duration if duration and duration.isascii() and duration.isdigit() else None
    if call.is_final and call.duration_seconds is None and duration:
        # We may learn of the end first from our own side (a caller leaving a queue); Twilio's
        # completed callback still brings the billed duration, which is worth keeping.
        call.duration_seconds = int(duration)
    if CALL_STATUS_RANK[status] <= CALL_STATUS_RANK.get(call.status, 0):
        return False
    previous = call.status
    call.status = status
    stamp = now()
    if status == "in-progress" and call.answered_at is None:
        call.answered_at = stamp
    if CALL_STATUS_RANK[status] == 4:
        call.ended_at = stamp
        # Its recordings' callbacks follow the end by seconds; the sweep lists them after that.
        call.reconcile_at = stamp + reconcile_delay("ended")
        if duration:
            call.duration_seconds = int(duration)
        if call.answered_at is None and status == "completed" and call.duration_seconds:
            call.answered_at = call.created_at
    record_event(session, call, "status", status=status, previous=previous,
                 **({"duration": call.duration_seconds} if call.duration_seconds is not None else {}))
    return True
