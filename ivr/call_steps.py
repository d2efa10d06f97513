"""The call an IVR webhook is about, and its steps appended to the call's history.

A caller presses a key every few seconds and waits for each answer, so a step costs one read and
one INSERT (plain SQL, no ORM unit of work). The full `ensure_call` upsert with its locking read
runs only when the call is new or Twilio reports a later status than the row has.
"""
from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from hotline import db
from hotline.calls import ensure_call
from hotline.clock import now
from hotline.models import CALL_STATUS_RANK, Call, CallEvent


class CallSteps:
    def __init__(self, session: Session, sid: str, call_id: int, language: str | None) -> None:
        self.session = session
        self.sid = sid
        self.id = call_id
        self._language = language

    @property
    def language(self) -> str | None:
        return self._language

    @language.setter
    def language(self, value: str | None) -> None:
        if value and value != self._language:
            self.session.execute(update(Call).where(Call.id == self.id).values(language=value, updated_at=now()))
            self._language = value

    def record(self, kind: str, **data: Any) -> None:
        self.session.execute(insert(CallEvent).values(call_id=self.id, at=now(), kind=kind, data=data))

    def steps(self) -> list[dict[str, Any]]:
        return list(self.session.scalars(select(CallEvent.data).where(CallEvent.call_id == self.id,
                                                                      CallEvent.kind == "ivr")))


def open_call(form: Mapping[str, str], *, first_request: bool = False) -> CallSteps | None:
    """None without a CallSid. On PostgreSQL the transaction does not wait for the WAL flush: an
    IVR step is navigation history, and a database crash could lose at most its last instant."""
    sid = form.get("CallSid", "")
    if not sid:
        return None
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    if not first_request:
        row = session.execute(select(Call.id, Call.status, Call.language).where(Call.sid == sid)).first()
        status = form.get("CallStatus", "")
        if row is not None and CALL_STATUS_RANK.get(status, 0) <= CALL_STATUS_RANK.get(row.status, 0):
            return CallSteps(session, sid, row.id, row.language)
    call = ensure_call(session, sid, form)
    session.flush()
    return CallSteps(session, sid, call.id, call.language)
