"""The call an IVR webhook is about, and how its steps reach the call's history.

While a caller walks the menu, each step is appended to a Redis list for the call (one round trip,
no database): key presses answer in a millisecond or two. The steps move into the database
(`call_events`) in order, with the time they happened:
- when the caller leaves the menu (to a queue, a message, a goodbye), in the same transaction that
  records the exit and announces it, so tickets and routing see the whole path;
- when the call ends (`call_ended`), for callers who hung up in the menu;
- from a periodic sweep, for anything older than a minute whose end never came.
The database stays the record; Redis holds at most a minute or two of a live call's navigation.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any, Mapping

from redis.exceptions import RedisError
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hotline import db
from hotline.calls import ensure_call
from hotline.clock import now
from hotline.models import CALL_STATUS_RANK, Call, CallEvent
from hotline.redis_client import get_redis

STEPS_KEY = "hotline:ivr:steps:{sid}"
PENDING_KEY = "hotline:ivr:pending"  # sorted set: CallSid -> when its oldest buffered step was written
STALE_SECONDS = 60
log = logging.getLogger(__name__)


class CallSteps:
    """A call with its row at hand: steps go straight into the database transaction."""

    durable = True

    def __init__(self, session: Session, sid: str, call_id: int, language: str | None) -> None:
        self.session = session
        self.sid = sid
        self.id = call_id
        self._language = language
        self._events: list[dict[str, Any]] = []  # written in one multi-row INSERT before commit

    @property
    def language(self) -> str | None:
        return self._language

    @language.setter
    def language(self, value: str | None) -> None:
        if value and value != self._language:
            self.session.execute(update(Call).where(Call.id == self.id).values(language=value, updated_at=now()))
            self._language = value

    def record(self, kind: str, at: datetime | None = None, **data: Any) -> None:
        self._events.append({"call_id": self.id, "at": at or now(), "kind": kind, "data": data})

    def write(self) -> None:
        """Put the recorded steps into the transaction (in order, one statement)."""
        if self._events:
            self.session.execute(insert(CallEvent).values(self._events))
            self._events = []

    def steps(self) -> list[dict[str, Any]]:
        self.write()
        return list(self.session.scalars(select(CallEvent.data).where(CallEvent.call_id == self.id,
                                                                      CallEvent.kind == "ivr")))

    def commit(self) -> None:
        self.write()
        self.session.commit()

    def durable_call(self) -> "CallSteps":
        return self


class BufferedCall:
    """A call in the menu: its steps are kept in Redis until the caller leaves the menu."""

    durable = False

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.sid = form.get("CallSid", "")
        self.language: str | None = None
        self._pending: list[dict[str, Any]] = []

    def record(self, kind: str, **data: Any) -> None:
        self._pending.append({"kind": kind, "at": now().isoformat(), "data": data, "language": self.language})

    def commit(self) -> None:
        if not self._pending:
            return
        if self.language:
            self._pending[-1]["language"] = self.language
        try:
            pipe = get_redis().pipeline(transaction=False)
            pipe.rpush(STEPS_KEY.format(sid=self.sid), *(json.dumps(p, ensure_ascii=False) for p in self._pending))
            pipe.zadd(PENDING_KEY, {self.sid: now().timestamp()}, nx=True)
            pipe.execute()
        except RedisError:
            # Without Redis the steps go straight to the database: slower, but the caller goes on.
            log.warning("Redis unavailable; IVR steps written to the database directly", exc_info=True)
            self.durable_call().commit()
            return
        self._pending = []

    def durable_call(self) -> CallSteps:
        """The call's row, with every buffered step (earlier ones and this request's) written to it.

        The call's status is left to the next owner of the call (routing's `ensure_call`, the status
        callback): taking the row lock here would only make the hand-over slower."""
        steps = open_call(self.form, move_status=False)
        assert steps is not None
        try:
            move_buffered_steps(steps)
        except RedisError:
            log.warning("Redis unavailable; buffered IVR steps wait for the sweep", exc_info=True)
        for item in self._pending:
            steps.record(item["kind"], at=datetime.fromisoformat(item["at"]), **item["data"])
        self._pending = []
        if self.language:
            steps.language = self.language
        return steps


def open_call(form: Mapping[str, str], *, first_request: bool = False, move_status: bool = True) -> CallSteps | None:
    """The call's row (None without a CallSid): a plain read, or `ensure_call` when the call is new
    or (with `move_status`) Twilio reports a later status than the row has."""
    sid = form.get("CallSid", "")
    if not sid:
        return None
    session = db.session()
    if not first_request:
        row = session.execute(select(Call.id, Call.status, Call.language).where(Call.sid == sid)).first()
        status = form.get("CallStatus", "")
        if row is not None and (not move_status
                                or CALL_STATUS_RANK.get(status, 0) <= CALL_STATUS_RANK.get(row.status, 0)):
            return CallSteps(session, sid, row.id, row.language)
    call = ensure_call(session, sid, form)
    session.flush()
    return CallSteps(session, sid, call.id, call.language)


def move_buffered_steps(steps: CallSteps) -> int:
    """Write the call's buffered steps into its history (in the caller's transaction)."""
    redis = get_redis()
    key = STEPS_KEY.format(sid=steps.sid)
    pipe = redis.pipeline(transaction=True)
    pipe.lrange(key, 0, -1)
    pipe.delete(key)
    pipe.zrem(PENDING_KEY, steps.sid)
    raw, _, _ = pipe.execute()
    items = [json.loads(r) for r in raw]
    for item in items:
        steps.record(item["kind"], at=datetime.fromisoformat(item["at"]), **item["data"])
        if item.get("language"):
            steps.language = item["language"]
    return len(items)


def move_steps_of(sid: str) -> int:
    """For `call_ended` and the sweep: buffered steps of `sid` into the database (not committed)."""
    steps = open_call({"CallSid": sid})
    assert steps is not None
    moved = move_buffered_steps(steps)
    steps.write()
    return moved


def sweep_buffered_steps(older_than: float = STALE_SECONDS) -> int:
    """Periodic job: move steps of calls whose end never arrived; returns how many calls."""
    cutoff = now().timestamp() - older_than
    sids = [s.decode() if isinstance(s, bytes) else s
            for s in get_redis().zrangebyscore(PENDING_KEY, "-inf", cutoff)]
    for sid in sids:
        move_steps_of(sid)
        db.session().commit()
    return len(sids)
