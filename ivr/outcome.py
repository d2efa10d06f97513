"""Each call's outcome in the IVR, stored once when its steps are settled instead of decoded from
its events by every report (issue #14).

A call's outcome is the first of: routed to a queue, left a message, served by the IVR alone (heard
a ticket's status or information and hung up content), or dropped out (hung up in the menu, at the
node of its last step); a call not ended yet is still in the menu. What the steps tell is folded
into one `ivr_calls` row (and its `ivr_misses`) each time a batch of steps is written
(`ivr.call_steps.CallSteps.write`), merging with what earlier batches stored; whether the call
ended is its status, read by the report (`ivr.report_query`).
"""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from hotline.models import FINAL_CALL_STATUSES, Call, CallEvent
from ivr.models import NAME_LENGTH, IvrCall, IvrMiss

IVR_EVENT_KINDS = ("incoming", "ivr")
SERVED_RESULTS = frozenset({"served", "info", "hangup"})
MISS_RESULTS = frozenset({"invalid", "no-input", "not-found"})


@dataclass
class StepFacts:
    """What a run of a call's steps (in order) says about its outcome."""

    queue: str | None = None
    category: str | None = None
    voicemail: bool = False
    served: bool = False
    ticket_found: bool = False
    last_node: str = ""
    misses: Counter = field(default_factory=Counter)  # node -> wrong keys and silences


def _name(value: object) -> str:
    return str(value)[:NAME_LENGTH]


def fold(steps: Iterable[Mapping[str, object]]) -> StepFacts | None:
    """The facts of `steps`, None when there are none (a call without IVR steps is not counted)."""
    facts, seen = StepFacts(), False
    for step in steps:
        seen = True
        result = str(step.get("result", ""))
        if result in MISS_RESULTS:
            facts.misses[_name(step.get("node", ""))] += 1
        if result.startswith("queue:") and facts.queue is None:
            facts.queue, facts.category = _name(result.split(":", 1)[1]), _name(step.get("category", ""))
        facts.voicemail |= result == "voicemail"
        facts.served |= result in SERVED_RESULTS
        facts.ticket_found |= result == "ticket-found"
        facts.last_node = _name(step.get("node", ""))
    return facts if seen else None


def _upserts(session: Session | Connection, rows: list[tuple[int, object, StepFacts]]) -> None:
    """Merge the facts of newly written steps into the calls' rows: the first queue stays, flags
    accumulate, the last node is the newest, misses add up. Atomic per row, so two writers of one
    call (the settle job and a Redis-less webhook) cannot lose each other's steps. One statement
    for one call; an executemany for many (the backfill)."""
    if not rows:
        return
    bind = session.get_bind() if isinstance(session, Session) else session
    insert = pg_insert if bind.dialect.name == "postgresql" else sqlite_insert
    calls = [{"call_id": call_id, "started_at": started_at, "queue": f.queue, "category": f.category,
              "voicemail": f.voicemail, "served": f.served, "ticket_found": f.ticket_found,
              "last_node": f.last_node} for call_id, started_at, f in rows]
    stmt = insert(IvrCall).values(calls[0]) if len(calls) == 1 else insert(IvrCall)
    table, new = IvrCall.__table__.c, stmt.excluded
    stmt = stmt.on_conflict_do_update(index_elements=[table.call_id], set_={
        "started_at": new.started_at,
        "queue": func.coalesce(table.queue, new.queue),
        "category": case((table.queue.is_(None), new.category), else_=table.category),
        "voicemail": or_(table.voicemail, new.voicemail),
        "served": or_(table.served, new.served),
        "ticket_found": or_(table.ticket_found, new.ticket_found),
        "last_node": new.last_node,
    })
    if len(calls) == 1:
        session.execute(stmt)
    else:
        session.execute(stmt, calls)
    misses = [{"call_id": call_id, "node": node, "misses": n}
              for call_id, _, f in rows for node, n in f.misses.items()]
    if misses:
        stmt = insert(IvrMiss)
        session.execute(stmt.on_conflict_do_update(
            index_elements=[IvrMiss.__table__.c.call_id, IvrMiss.__table__.c.node],
            set_={"misses": IvrMiss.__table__.c.misses + stmt.excluded.misses}), misses)


def store(session: Session, call_id: int, events: Iterable[Mapping[str, object]]) -> None:
    """Fold the IVR steps among `events` (dicts with kind and data, as inserted) into the call's row."""
    facts = fold(e["data"] for e in events if e["kind"] in IVR_EVENT_KINDS)  # type: ignore[misc]
    if facts is not None:
        # The call's created_at read in the statement: settling may just have moved it to the arrival.
        _upserts(session, [(call_id, select(Call.created_at).where(Call.id == call_id).scalar_subquery(), facts)])


def backfill(connection: Connection, batch: int = 2000) -> int:
    """Fold the stored events of every call into its row (the migration that made the tables, and
    data loaded around the application); streams the events, writes `batch` calls a statement."""
    rows = connection.execute(
        select(CallEvent.call_id, Call.created_at, CallEvent.data).join(Call, Call.id == CallEvent.call_id)
        .where(CallEvent.kind.in_(IVR_EVENT_KINDS))
        .order_by(CallEvent.call_id, CallEvent.id).execution_options(stream_results=True, yield_per=10_000))
    done, pending = 0, []
    for (call_id, started_at), events in itertools.groupby(rows, key=lambda row: (row[0], row[1])):
        facts = fold(data for _, _, data in events)
        if facts is not None:
            pending.append((call_id, started_at, facts))
        if len(pending) >= batch:
            _upserts(connection, pending)
            done, pending = done + len(pending), []
    _upserts(connection, pending)
    return done + len(pending)


def outcome_of():
    """The outcome of an `ivr_calls` row, as the report counts it. Whether the call ended is read
    from its row by id, per `ivr_calls` row that needs it (a correlated subquery: a join let the
    planner hash the whole `calls` table for a week's calls)."""
    ended = select(Call.status.in_(sorted(FINAL_CALL_STATUSES))).where(Call.id == IvrCall.call_id).scalar_subquery()
    return case((IvrCall.queue.is_not(None), "routed"), (IvrCall.voicemail, "voicemail"),
                (or_(IvrCall.served, and_(IvrCall.ticket_found, ended)), "served"),
                (ended, "dropped"), else_="in_menu")
