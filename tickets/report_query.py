"""The ticket report's counting, done by the database: tickets per local period and combination of
category, priority, status and SLA states.

The periods are the center's local days, weeks and months (TIMEZONE), grouped in SQL by
`hotline.sql_periods.local_periods`, the one grouping every report uses (date_trunc at the zone on
PostgreSQL, a VALUES table of the periods' UTC bounds on SQLite). Both read only the rows of the
range (`ix_tickets_created_at_id`) and the six columns counted.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy.orm import Session

from hotline import local_time
from hotline.db import without_jit
from hotline.sql_periods import local_periods
from tickets.models import Ticket
from tickets.reporting import TicketGroup

DIMENSIONS = (Ticket.category, Ticket.priority, Ticket.status, Ticket.response_sla, Ticket.resolution_sla)


def ticket_groups(session: Session, first: date, last: date, period: str, zone: str) -> list[TicketGroup]:
    """Counted groups of the tickets opened from local day `first` to `last` (inclusive)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        without_jit(session)
    periods = local_periods(Ticket.created_at, local_time.day_start(first, zone),
                            local_time.day_start(last + timedelta(days=1), zone), period, zone, dialect)
    query = periods.query.add_columns(*DIMENSIONS, func.count()).group_by(periods.key, *DIMENSIONS)
    return [TicketGroup(label, *dims, count) for label, *dims, count in session.execute(query)]
