"""The call an IVR webhook is about, and how its steps reach the call's history.

The IVR's webhooks answer from Redis alone: each step (the arrival included) is appended to a Redis
list for the call, one pipelined round trip, so a key press is answered in a millisecond or two and
several web processes on several machines share the call's path. The steps move into the database
(the `calls` row and `call_events`), in order and with the time they happened, when the call is
*settled*:
- right after the caller leaves the menu for a queue or a goodbye: the IVR's exit marks the call
  as leaving and a job (`settle_leaving_calls`, one per burst of exits) settles it, announcing
  `call_routed` so that tickets files the call, off the caller's path;
- at once, by whoever needs the path before that job ran: routing when the caller enters a queue
  (`MenuCalls.settle_call`), the IVR itself before it writes a durable step (a message left);
- when the call ends (`call_ended`), for callers who hung up in the menu;
- by a periodic sweep, for anything older than a minute that none of the above settled.
The database stays the record; Redis holds at most a minute or two of a live call's navigation.

Settling one call is serialised by a short Redis lock, and the steps being written stay in Redis (a
`settling` list) until the database has committed them: a worker killed mid-way leaves them to the
sweep rather than losing them.
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import datetime
from typing import Any, Mapping

from redis.exceptions import RedisError
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hotline import db
from hotline.contracts import CallRouted, publish_after_commit
from hotline.calls import ensure_call
from hotline.clock import now
from hotline.jobs import enqueue
from hotline.models import CALL_STATUS_RANK, Call, CallEvent
from hotline.redis_client import get_redis
from ivr import outcome

STEPS_KEY = "hotline:ivr:steps:{sid}"
SETTLING_KEY = "hotline:ivr:settling:{sid}"  # steps being written to the database
LOCK_KEY = "hotline:ivr:settle-lock:{sid}"
PENDING_KEY = "hotline:ivr:pending"  # sorted set: CallSid -> when its oldest buffered step was written
LEAVING_KEY = "hotline:ivr:leaving"  # CallSids that left the menu, for the settle job
SETTLE_JOB_KEY = "hotline:ivr:settle-job"  # set while a settle job is waiting: one job per burst
STALE_SECONDS = 60
# Settling takes milliseconds; a settler that died frees the call for the next one this much later.
LOCK_SECONDS = 10
SETTLING_TTL = 86_400  # a day for the sweep to retry what a crashed settler left
LEAVING_BATCH = 100
# What the call's row is made from if the IVR is the first to write it (see `ensure_call`).
CALL_PARAMS = ("From", "To", "Direction", "ParentCallSid", "CallStatus")
log = logging.getLogger(__name__)

# Buffered steps (and leftovers of a settler that died) into the settling list, atomically.
_TAKE = """
local items = redis.call('LRANGE', KEYS[1], 0, -1)
for i = 1, #items, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(items, i, math.min(i + 999, #items)))
end
redis.call('DEL', KEYS[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return redis.call('LRANGE', KEYS[2], 0, -1)
"""
# Replace the call's first buffered step if it is still the one we pushed (not yet settled).
_AMEND_FIRST = """
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LSET', KEYS[1], 0, ARGV[2]) return 1 end
return 0
"""
# After the commit: forget the settled steps, and the call's pending mark unless new steps came.
_DONE = """
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('ZREM', KEYS[3], ARGV[1]) end
return 1
"""


class CallSteps:
    """A call with its row at hand: steps go straight into the database transaction."""

    def __init__(self, session: Session, sid: str, call_id: int, language: str | None) -> None:
        self.session = session
        self.sid = sid
        self.id = call_id
        self._language = language
        self._events: list[dict[str, Any]] = []  # written in one multi-row INSERT before commit
        self._routed: list[dict[str, Any]] = []  # call_routed payloads, announced once committed
        self._taken: list[Taken] = []  # buffered steps this commit writes, forgotten in Redis after it

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
        """Put the recorded steps into the transaction (in order, one statement), and have the
        caller's exits to a queue announced once it commits, so receivers (tickets) see the whole path."""
        if self._events:
            self.session.execute(insert(CallEvent).values(self._events))
            outcome.store(self.session, self.id, self._events)  # the report reads this, not the events
            self._events = []
        routed, self._routed = self._routed, []
        for payload in routed:
            publish_after_commit(CallRouted(call_sid=self.sid, **payload), self.session)

    def steps(self) -> list[dict[str, Any]]:
        self.write()
        return list(self.session.scalars(select(CallEvent.data).where(CallEvent.call_id == self.id,
                                                                      CallEvent.kind == "ivr")))

    def commit(self, *, routed: dict[str, Any] | None = None) -> None:
        """Write and commit; `routed` announces that the caller leaves the menu for a queue."""
        if routed is not None:
            self._routed.append(routed)
        self.write()
        for taken in self._taken:
            # After the announcements: a settler that dies before this leaves the steps to the
            # sweep, which announces them again rather than never.
            db.after_commit(taken.forget, session=self.session)
        self._taken = []
        self.session.commit()

    def durable_call(self) -> "CallSteps":
        return self

    def leave(self) -> None:
        self.commit()

    def add_items(self, items: list[dict[str, Any]]) -> None:
        """Buffered steps (see `BufferedCall.record`) into this call's history."""
        for item in items:
            self.record(item["kind"], at=datetime.fromisoformat(item["at"]), **item["data"])
            if item.get("language"):
                self.language = item["language"]
            if item.get("routed") is not None:
                self._routed.append(item["routed"])


class BufferedCall:
    """A call in the menu: its steps are kept in Redis until the call is settled."""

    def __init__(self, form: Mapping[str, str], *, arrival: bool = False) -> None:
        self.form = form
        self.sid = form.get("CallSid", "")
        self.language: str | None = None
        self._arrival = arrival
        self._pending: list[dict[str, Any]] = []
        self._arrival_item = ""

    def record(self, kind: str, **data: Any) -> None:
        item: dict[str, Any] = {"kind": kind, "at": now().isoformat(), "data": data, "language": self.language}
        if self._arrival and not self._pending:
            item["call"] = {k: self.form[k] for k in CALL_PARAMS if self.form.get(k)}
        self._pending.append(item)

    def commit(self, *, routed: dict[str, Any] | None = None) -> None:
        """Buffer this request's steps; with `routed` the caller leaves for a queue: settle soon."""
        self._commit(routed=routed, leaving=routed is not None)

    def leave(self) -> None:
        """The caller leaves the menu with no queue (a goodbye): settle the path soon all the same."""
        self._commit(routed=None, leaving=True)

    def _commit(self, *, routed: dict[str, Any] | None, leaving: bool) -> None:
        if not self._pending:
            return
        if self.language:
            self._pending[-1]["language"] = self.language
        if routed is not None:
            self._pending[-1]["routed"] = routed
        try:
            if leaving or self._arrival:
                self._push(leaving=leaving)
            else:
                # A key press: one command. The call is already marked pending unless its list was
                # empty (settled meanwhile, e.g. by the report), which RPUSH's length tells.
                redis, items = get_redis(), [json.dumps(p, ensure_ascii=False) for p in self._pending]
                if redis.rpush(STEPS_KEY.format(sid=self.sid), *items) == len(items):
                    redis.zadd(PENDING_KEY, {self.sid: now().timestamp()}, nx=True)
                self._pending = []
        except RedisError:
            # Without Redis the steps go straight to the database: slower, but the caller goes on.
            log.warning("Redis unavailable; IVR steps written to the database directly", exc_info=True)
            self.durable_call().commit()

    def _push(self, *, leaving: bool = False, along=None) -> list:
        """The pending steps into Redis in one pipelined round trip, marking the call pending (and
        leaving, for the settle job); `along` (see `commit_with`) adds its commands in front and
        gets its replies back."""
        items = [json.dumps(p, ensure_ascii=False) for p in self._pending]
        if self._arrival and not self._arrival_item:
            self._arrival_item = items[0]
        pipe = get_redis().pipeline(transaction=False)
        if along is not None:
            along.add_to(pipe)
        pipe.rpush(STEPS_KEY.format(sid=self.sid), *items)
        pipe.zadd(PENDING_KEY, {self.sid: now().timestamp()}, nx=True)
        if leaving:
            pipe.rpush(LEAVING_KEY, self.sid)
            pipe.set(SETTLE_JOB_KEY, "1", nx=True, ex=STALE_SECONDS)
        replies = pipe.execute()
        self._pending = []
        if leaving and replies[-1]:
            enqueue(settle_leaving_calls)
        return replies

    def commit_with(self, lookup) -> list | None:
        """The arrival: buffer its step and run `lookup`'s commands (`add_to(pipe)`, see
        tickets.directory.Lookup) in the same round trip; their replies, or None when Redis failed
        (the step then stays pending for `commit`, which falls back to the database)."""
        try:
            return self._push(along=lookup)[:-2]
        except RedisError:
            log.warning("Redis unavailable at a call's arrival", exc_info=True)
            return None

    def amend_arrival(self, **data: Any) -> None:
        """Correct the arrival step buffered by `commit_with` once the lookup told who is calling
        (one more round trip, for known callers only)."""
        if self._pending:  # Redis failed: still here, to be written by `commit`
            self._pending[0]["data"].update(data)
            self._pending[0]["language"] = self.language
            return
        item = json.loads(self._arrival_item)
        item["data"].update(data)
        item["language"] = self.language
        try:
            get_redis().eval(_AMEND_FIRST, 1, STEPS_KEY.format(sid=self.sid), self._arrival_item,
                             json.dumps(item, ensure_ascii=False))
        except RedisError:  # the arrival stays recorded, only less precisely
            log.warning("could not amend a call's arrival step", exc_info=True)

    def durable_call(self) -> CallSteps:
        """The call's row, with every buffered step (earlier ones and this request's) written to it
        on commit. The call's status is left to the next owner of the call (routing's `ensure_call`,
        the status callback): taking the row lock here would only make the hand-over slower."""
        try:
            taken = take_buffered(self.sid, wait=2.0)
        except RedisError:
            log.warning("Redis unavailable; buffered IVR steps wait for the sweep", exc_info=True)
            taken = None
        arrived_at = taken.arrival["arrived_at"] if taken is not None else None
        steps = call_row(self.sid, self.form, move_status=self._arrival, arrived_at=arrived_at)
        if taken is not None:
            add_taken(steps, taken)
        steps.add_items(self._pending)
        self._pending = []
        if self.language:
            steps.language = self.language
        return steps


def call_row(sid: str, form: Mapping[str, str], *, move_status: bool = True,
             arrived_at: datetime | None = None) -> CallSteps:
    """The call's row: a plain read, or `ensure_call` when the call is new or (with `move_status`)
    Twilio reports a later status than the row has."""
    session = db.session()
    row = session.execute(select(Call.id, Call.status, Call.language).where(Call.sid == sid)).first()
    status = form.get("CallStatus", "")
    if row is not None and arrived_at is not None:
        # A status callback wrote the row before the IVR's steps were settled: the call began
        # earlier, with the status its arrival reported (kept in the history, not the row).
        session.execute(update(Call).where(Call.id == row.id, Call.created_at > arrived_at)
                        .values(created_at=arrived_at))
        steps = CallSteps(session, sid, row.id, row.language)
        if CALL_STATUS_RANK.get(status, 0) < CALL_STATUS_RANK.get(row.status, 0):
            steps.record("status", at=arrived_at, status=status)
        return steps
    if row is not None and (not move_status
                            or CALL_STATUS_RANK.get(status, 0) <= CALL_STATUS_RANK.get(row.status, 0)):
        return CallSteps(session, sid, row.id, row.language)
    call = ensure_call(session, sid, form, created_at=arrived_at)
    session.flush()
    return CallSteps(session, sid, call.id, call.language)


class Taken:
    """Buffered steps taken for writing: forgotten in Redis once the database has them."""

    def __init__(self, sid: str, items: list[dict[str, Any]], lock) -> None:
        self.sid, self.items, self._lock = sid, items, lock

    @property
    def arrival(self) -> dict[str, Any]:
        """The arrival's call parameters and time, if the arrival is among the taken steps."""
        item = next((item for item in self.items if item.get("call")), None)
        if item is None:
            return {"form": {}, "arrived_at": None}
        return {"form": item["call"], "arrived_at": datetime.fromisoformat(item["at"])}

    def forget(self) -> None:
        try:
            get_redis().eval(_DONE, 3, SETTLING_KEY.format(sid=self.sid), STEPS_KEY.format(sid=self.sid),
                             PENDING_KEY, self.sid)
        except RedisError:  # written twice at worst, by the sweep: never lost
            log.warning("could not clear settled IVR steps", exc_info=True)
        finally:
            self.release()

    def release(self) -> None:
        try:
            self._lock.release()
        except Exception:  # expired meanwhile: the next settler takes over, nothing to undo
            log.warning("IVR settle lock of a call expired before release", exc_info=True)


def take_buffered(sid: str, *, wait: float = 0.0) -> Taken | None:
    """The call's buffered steps (and any a crashed settler left), locked for this process; None if
    another process is settling the call and did not finish within `wait` seconds."""
    redis = get_redis()
    lock = redis.lock(LOCK_KEY.format(sid=sid), timeout=LOCK_SECONDS, blocking=wait > 0,
                      blocking_timeout=wait or None)
    if not lock.acquire():
        return None
    try:
        raw = redis.eval(_TAKE, 2, STEPS_KEY.format(sid=sid), SETTLING_KEY.format(sid=sid), SETTLING_TTL)
    except BaseException:
        lock.release()
        raise
    return Taken(sid, [json.loads(r) for r in raw], lock)


def add_taken(steps: CallSteps, taken: Taken) -> None:
    fresh = _not_yet_written(steps, taken.items)
    steps.add_items(fresh)
    # Steps already written by a settler that died before forgetting them: their exit to a queue
    # may not have been announced yet (it follows the commit), so it is announced again.
    steps._routed.extend(item["routed"] for item in taken.items
                         if item.get("routed") is not None and item not in fresh)
    steps._taken.append(taken)


def _not_yet_written(steps: CallSteps, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`items` less those already in the call's history: a settler that died after the commit but
    before clearing Redis leaves steps that are taken again (`call_routed` is harmless twice: tickets
    files a call once, see `add_taken`)."""
    if not items:
        return items
    first = min(datetime.fromisoformat(item["at"]) for item in items)
    rows = steps.session.execute(select(CallEvent.kind, CallEvent.at, CallEvent.data).where(
        CallEvent.call_id == steps.id, CallEvent.at >= first)).all()
    if not rows:
        return items
    written = Counter(_step_key(kind, at, data) for kind, at, data in rows)
    fresh = []
    for item in items:
        key = _step_key(item["kind"], datetime.fromisoformat(item["at"]), item["data"])
        if written[key]:
            written[key] -= 1
        else:
            fresh.append(item)
    return fresh


def _step_key(kind: str, at: datetime, data: Any) -> tuple[str, datetime, str]:
    return kind, at, json.dumps(data, sort_keys=True, ensure_ascii=False)


def settle(sid: str, *, wait: float = 2.0) -> bool:
    """Write the call's buffered steps to the database now, announcing its exit to a queue if that
    is among them. Idempotent; False when there was nothing to settle (or another process is)."""
    if not get_redis().exists(STEPS_KEY.format(sid=sid), SETTLING_KEY.format(sid=sid)):
        return False
    taken = take_buffered(sid, wait=wait)
    if taken is None:
        return False
    try:
        arrival = taken.arrival
        steps = call_row(sid, {"CallSid": sid, **arrival["form"]}, arrived_at=arrival["arrived_at"])
        add_taken(steps, taken)
        steps.commit()
    except BaseException:
        db.session().rollback()
        taken.release()  # the steps stay in Redis for the sweep
        raise
    return bool(taken.items)


def settle_leaving_calls() -> int:
    """Job: settle every call that left the menu since the last run; returns how many."""
    redis = get_redis()
    redis.delete(SETTLE_JOB_KEY)  # exits from now on enqueue the next job
    settled = 0
    while True:
        pipe = redis.pipeline(transaction=True)
        pipe.lrange(LEAVING_KEY, 0, LEAVING_BATCH - 1)
        pipe.ltrim(LEAVING_KEY, LEAVING_BATCH, -1)
        sids, _ = pipe.execute()
        if not sids:
            return settled
        for sid in sids:
            settled += settle(sid.decode() if isinstance(sid, bytes) else sid)


def sweep_buffered_steps(older_than: float = STALE_SECONDS) -> int:
    """Periodic job: settle calls whose steps waited longer than `older_than` s; returns how many."""
    cutoff = now().timestamp() - older_than
    sids = [s.decode() if isinstance(s, bytes) else s
            for s in get_redis().zrangebyscore(PENDING_KEY, "-inf", cutoff)]
    for sid in sids:
        settle(sid)
    return len(sids)
