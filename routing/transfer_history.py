"""A transfer the caller's leaving ended: the row closed and a `transfer_ended` event in the call's
history, so the call's record says why the transfer never finished (the caller's and the agents'
privacy record, QA), whichever path noticed the caller go (their conference ending mid-consult, or
hanging up while back in line after a cold transfer). Nothing here commits."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.calls import ensure_call, record_event
from hotline.clock import now
from routing.models import Transfer

# A cold transfer to a queue or an agent waits as "queued" until someone answers the caller.
WAITING = ("queued", "consulting", "connected")


def caller_ended_transfer(session: Session, transfer: Transfer, colleague_answered: bool) -> None:
    transfer.status, transfer.ended_at = "caller-left", now()
    record_event(session, ensure_call(session, transfer.call_sid, {}, apply_call_status=False), "transfer_ended",
                 transfer=transfer.id, mode=transfer.mode, reason="caller left", by="caller",
                 colleague_answered=colleague_answered)


def caller_left_waiting_transfer(session: Session, sid: str) -> None:
    """The caller hung up while in line after a cold transfer (nobody had answered them yet)."""
    transfer = session.scalars(select(Transfer).where(Transfer.call_sid == sid, Transfer.status == "queued")
                               .order_by(Transfer.id.desc())).first()
    if transfer is not None:
        caller_ended_transfer(session, transfer, colleague_answered=False)
