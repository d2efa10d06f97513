"""The caller directory: what the IVR's greeting may know of a phone number, mirrored in Redis.

Every call begins with "do we know this number?" (language to skip the language menu, title and
surname to greet by, VIP for routing's priority). The customers table stays the record; Redis holds
a copy of those four fields per number so that the arrival webhooks (the IVR's and routing's) ask
Redis, not PostgreSQL, in well under a millisecond (`hotline.contracts.CallerDirectory`):

- every committed change to a customer (ORM writes, and `customer_for_phone`'s insert, which
  reports itself through `note`) is written to Redis after the commit, newest `updated_at` wins;
- `rebuild()` copies the whole table (the periodic job `tickets.directory` does it when the copy
  is missing, e.g. after Redis restarted empty, and once a day against drift);
- until a copy is complete (`READY_KEY`), lookups read the database, so a missing copy is slower,
  never wrong; so does an entry copied before it held `vip`.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from hotline import db
from hotline.clock import now
from hotline.contracts import CallerFacts
from hotline.redis_client import get_redis
from tickets.models import Customer

KEY = "hotline:customers:{phone}"
READY_KEY = "hotline:customers:ready"  # when the last full copy finished (ISO time)
REBUILD_AFTER = timedelta(days=1)
BATCH = 2000
log = logging.getLogger(__name__)

# Write an entry unless Redis holds a newer one (a rebuild racing an edit must not undo it).
_PUT = """
local stamp = redis.call('HGET', KEYS[1], 'updated')
if stamp and stamp > ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'updated', ARGV[1], 'language', ARGV[2], 'title', ARGV[3], 'surname', ARGV[4],
           'vip', ARGV[5])
return 1
"""


def _entry(customer: Customer) -> dict[str, str]:
    stamp = customer.updated_at or now()
    return {"updated": stamp.isoformat(), "language": customer.language or "", "title": customer.title or "",
            "surname": customer.surname or "", "vip": "1" if customer.vip else "0"}


def _put(pipe, phone: str, entry: dict[str, str] | None) -> None:
    if entry is None:
        pipe.delete(KEY.format(phone=phone))
    else:
        pipe.eval(_PUT, 1, KEY.format(phone=phone), entry["updated"], entry["language"], entry["title"],
                  entry["surname"], entry["vip"])


class Lookup:
    """One number's lookup, whose Redis commands can ride in a caller's pipeline: the IVR's arrival
    asks the directory and buffers its first step in a single round trip."""

    def __init__(self, phone: str) -> None:
        self.phone = phone

    def add_to(self, pipe) -> None:
        pipe.exists(READY_KEY)
        pipe.hmget(KEY.format(phone=self.phone), "updated", "language", "title", "surname", "vip")

    def result(self, replies: list | None) -> CallerFacts | None:
        """The facts from the two replies `add_to` queued (None: Redis failed), or from the database
        while the copy is incomplete (or this entry predates its `vip` field)."""
        if replies is not None and replies[0]:
            updated, language, title, surname, vip = replies[1]
            if updated is None:
                return None
            if vip is not None:
                return CallerFacts(language.decode() or None, title.decode() or None, surname.decode() or None,
                                   vip == b"1")
        row = db.session().execute(select(Customer.language, Customer.title, Customer.surname, Customer.vip)
                                   .where(Customer.phone == self.phone)).first()
        return CallerFacts(row.language, row.title, row.surname, bool(row.vip)) if row is not None else None


def lookup(phone: str) -> CallerFacts | None:
    """The greeting's facts about `phone`, or None for a number we do not know."""
    if not phone:
        return None
    found = Lookup(phone)
    try:
        pipe = get_redis().pipeline(transaction=False)
        found.add_to(pipe)
        replies = pipe.execute()
    except RedisError:
        log.warning("Redis unavailable; caller looked up in the database", exc_info=True)
        replies = None
    return found.result(replies)


def note(session: Session, customer: Customer) -> None:
    """Have `customer` (written outside the ORM's unit of work) copied to Redis on commit."""
    db.after_commit(_copy, {customer.phone: _entry(customer)}, session=session)


def _after_flush(session: Session, _context: Any) -> None:
    """Each flush's customer changes are copied once its transaction commits (in flush order, so
    the last write wins); a rolled-back transaction or savepoint copies nothing."""
    pending: dict[str, dict[str, str] | None] = {}
    for obj in session.new | session.dirty:
        if isinstance(obj, Customer):
            for old in inspect(obj).attrs.phone.history.deleted or ():
                pending[old] = None  # the number changed: the old one is no longer known
            pending[obj.phone] = _entry(obj)
    for obj in session.deleted:
        if isinstance(obj, Customer):
            pending[obj.phone] = None
    if pending:
        db.after_commit(_copy, pending, session=session)


def _copy(pending: dict[str, dict[str, str] | None]) -> None:
    try:
        pipe = get_redis().pipeline(transaction=False)
        for phone, entry in pending.items():
            _put(pipe, phone, entry)
        pipe.execute()
    except RedisError:
        # The copy may now be stale: drop its completeness mark so lookups read the database
        # until the periodic job has rebuilt it (if Redis is reachable enough for that).
        log.warning("could not copy %d customer(s) to the caller directory", len(pending), exc_info=True)
        try:
            get_redis().delete(READY_KEY)
        except RedisError:
            pass


def listen() -> None:
    """Follow customer writes in every session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def rebuild() -> int:
    """Copy every customer to Redis, remove numbers no longer known, mark the copy complete."""
    redis = get_redis()
    redis.delete(READY_KEY)
    started = now()
    known: set[str] = set()
    session = db.session()
    last_id = 0
    while True:
        rows = session.execute(select(Customer).where(Customer.id > last_id).order_by(Customer.id).limit(BATCH)
                               ).scalars().all()
        if not rows:
            break
        pipe = redis.pipeline(transaction=False)
        for customer in rows:
            known.add(customer.phone)
            _put(pipe, customer.phone, _entry(customer))
        pipe.execute()
        last_id = rows[-1].id
        session.expunge_all()
    session.rollback()
    stale = [key for key in redis.scan_iter(match=KEY.format(phone="*"), count=1000)
             if key.decode() != READY_KEY and key.decode().split(":", 2)[2] not in known]
    for i in range(0, len(stale), 1000):
        redis.unlink(*stale[i:i + 1000])
    redis.set(READY_KEY, started.isoformat())
    return len(known)


def keep_fresh() -> int | None:
    """Periodic job: rebuild the copy when it is missing or a day old; returns customers copied."""
    built = get_redis().get(READY_KEY)
    if built is not None and now() - datetime.fromisoformat(built.decode()) < REBUILD_AFTER:
        return None
    return rebuild()


class Directory:
    """`hotline.contracts.CallerDirectory`, registered by tickets' init_app."""

    def lookup(self, phone: str) -> Lookup:
        return Lookup(phone)

    def facts(self, phone: str) -> CallerFacts | None:
        return lookup(phone)
