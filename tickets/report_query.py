"""The ticket report's counting, done by the database: tickets per period and combination of
category, priority, status and SLA states, at the call center's local days.

Periods are local (TIMEZONE), and a zone with summer time has 23- and 25-hour days, so a ticket's
period is never found by shifting UTC by one offset. On PostgreSQL the database converts each
`created_at` to the center's wall clock and truncates it (`date_trunc` of `AT TIME ZONE`, the zone
rules applying per row). SQLite knows no zones: the UTC instants where each local period starts are
computed here (`hotline.local_time.day_start`, exact across DST changes) and each ticket is put in
the period whose range holds it, joined with a small table of those bounds (a VALUES CTE, one row
per period). Both read only the rows of the range (`ix_tickets_created_at_id`) and the six columns
counted.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Integer, and_, column, func, select, values
from sqlalchemy.orm import Session

from hotline import local_time
from hotline.db import UTCDateTime, without_jit
from tickets.models import Ticket
from tickets.reporting import TicketGroup, period_starts

DIMENSIONS = (Ticket.category, Ticket.priority, Ticket.status, Ticket.response_sla, Ticket.resolution_sla)


def ticket_groups(session: Session, first: date, last: date, period: str, zone: str) -> list[TicketGroup]:
    """Counted groups of the tickets opened from local day `first` to `last` (inclusive)."""
    starts = period_starts(first, last, period)
    bounds = [local_time.day_start(day, zone) for day in [*starts, last + timedelta(days=1)]]
    if session.get_bind().dialect.name == "postgresql":
        without_jit(session)
        bucket = func.date_trunc(period, func.timezone(zone, Ticket.created_at)).label("bucket")
        query = select(bucket, *DIMENSIONS, func.count()).where(Ticket.created_at >= bounds[0],
                                                                 Ticket.created_at < bounds[-1])
    else:
        # One row per period, [start, next start) in UTC; each period reads its range of the index.
        periods = values(column("i", Integer), column("start", UTCDateTime()), column("end", UTCDateTime()),
                         name="periods").data([(i, bounds[i], bounds[i + 1]) for i in range(len(starts))])
        periods = periods.cte("periods")  # WITH periods(i, start, "end") AS (VALUES ...): SQLite's form
        bucket = periods.c.i.label("bucket")
        query = select(bucket, *DIMENSIONS, func.count()).select_from(periods).join(
            Ticket, and_(Ticket.created_at >= periods.c.start, Ticket.created_at < periods.c.end))
    rows = session.execute(query.group_by(bucket, *DIMENSIONS)).all()
    return [TicketGroup(_start(b, starts, first), *dims, count) for b, *dims, count in rows]


def _start(bucket: datetime | int, starts: list[date], first: date) -> date:
    if isinstance(bucket, datetime):  # PostgreSQL: the local start of the period, maybe before `first`
        return max(bucket.date(), first)
    return starts[bucket]
