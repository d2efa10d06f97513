"""Ticket numbers: "GD" + local date (yyyymmdd) + a daily sequence of at least three digits.

The sequence comes from one counter row per day, bumped with a single
`INSERT .. ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last`. On PostgreSQL the row
lock is held until the creating transaction commits, so concurrent creators queue on it and never
share a number; SQLite takes its database write lock at the same statement. A rolled-back ticket
rolls its increment back too, so numbers have no gaps.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy.orm import Session

from hotline.db import dialect_insert
from hotline.local_time import local_day  # a ticket at 01:00 Beijing time is that day's
from tickets.models import TicketCounter

NUMBER_PATTERN = re.compile(r"^GD(\d{8})(\d{3,})$")


def format_number(day: date, sequence: int) -> str:
    return f"GD{day:%Y%m%d}{sequence:03d}"


def looks_like_number(text: str) -> bool:
    return bool(NUMBER_PATTERN.match(text or ""))


def next_sequence(session: Session, day: date) -> int:
    statement = dialect_insert(session, TicketCounter).values(day=day, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=[TicketCounter.day], set_={"last": TicketCounter.last + 1}
    ).returning(TicketCounter.last)
    return int(session.execute(statement).scalar_one())


def allocate_number(session: Session, moment: datetime, timezone: str) -> str:
    day = local_day(moment, timezone)
    return format_number(day, next_sequence(session, day))
