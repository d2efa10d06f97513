"""The customer file: customer numbers, what an agent records of a caller, and its history.

The manuals: agents ask politely for the caller's name or customer number (客户编号, C + yyyymm +
sequence: C202405001) and address them as 先生/女士; nothing in a customer's file is changed without
a trace (不得篡改客户信息). Numbers come from one counter row per local month, bumped like ticket numbers
(tickets.numbering): unique under concurrency on PostgreSQL and SQLite. Every change appends a
CustomerEvent with who, when and each field's value before and after.

Functions take the session and leave the commit to the caller, like `tickets.cases`.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.clock import now
from hotline.db import dialect_insert
from hotline.local_time import local_day
from tickets.models import Customer, CustomerCounter, CustomerEvent

NUMBER_PATTERN = re.compile(r"^C(\d{6})(\d{3,})$")
TITLES = ("mr", "ms")  # 先生 / 女士
# What any agent records of the caller; a supervisor may change the rest too.
AGENT_FIELDS = ("name", "surname", "title", "language", "contact_time", "identity_confirmed")
SUPERVISOR_FIELDS = (*AGENT_FIELDS, "vip", "timezone", "customer_number")


def format_customer_number(month: date, sequence: int) -> str:
    return f"C{month:%Y%m}{sequence:03d}"


def looks_like_customer_number(text: str | None) -> bool:
    return bool(NUMBER_PATTERN.match(text or ""))


def allocate_customer_number(session: Session, moment: datetime, timezone: str) -> str:
    """The next number of `moment`'s local month; the counter row stays locked until the caller commits."""
    month = local_day(moment, timezone).replace(day=1)
    key = f"{month:%Y%m}"
    statement = dialect_insert(session, CustomerCounter).values(month=key, last=1).on_conflict_do_update(
        index_elements=[CustomerCounter.month], set_={"last": CustomerCounter.last + 1}).returning(CustomerCounter.last)
    return format_customer_number(month, int(session.execute(statement).scalar_one()))


def ensure_number(session: Session, customer: Customer, timezone: str, actor: str = "system") -> str:
    """The customer's number, given now if they have none (customers filed before numbers existed)."""
    if not customer.customer_number:
        change(session, customer, {"customer_number": allocate_customer_number(session, now(), timezone)}, actor)
    return customer.customer_number or ""


def current_values(customer: Customer) -> dict[str, Any]:
    return {field: (customer.identity_confirmed_at is not None if field == "identity_confirmed"
                    else getattr(customer, field)) for field in SUPERVISOR_FIELDS}


def change(session: Session, customer: Customer, values: dict[str, Any], actor: str) -> dict[str, list[Any]]:
    """Apply `values` (already checked) and keep what changed, before and after, in the history."""
    before = current_values(customer)
    changes: dict[str, list[Any]] = {}
    stamp = now()
    for field, value in values.items():
        if before[field] == value:
            continue
        changes[field] = [before[field], value]
        if field == "identity_confirmed":
            customer.identity_confirmed_at = stamp if value else None
            customer.identity_confirmed_by = actor if value else None
        else:
            setattr(customer, field, value)
    if changes:
        customer.updated_at = stamp
        session.add(CustomerEvent(customer_id=customer.id, at=stamp, actor=actor, changes=changes))
    return changes


def history(session: Session, customer: Customer, limit: int = 200) -> list[dict[str, Any]]:
    """The customer's changes, newest first."""
    events = session.scalars(select(CustomerEvent).where(CustomerEvent.customer_id == customer.id)
                             .order_by(CustomerEvent.id.desc()).limit(limit))
    return [{"at": e.at.isoformat(), "actor": e.actor,
             "changes": {field: {"before": pair[0], "after": pair[1]} for field, pair in e.changes.items()}}
            for e in events]
