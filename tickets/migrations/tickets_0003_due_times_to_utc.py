"""tickets: due times SQLite stored as Shanghai clock readings, moved to UTC

Revision ID: tickets_0003
Revises: tickets_0002
Create Date: 2026-12-02

Before hotline.db.UTCDateTime converted to UTC on the way in, SQLite kept an aware datetime's
clock reading without its offset. Every time hotline writes comes from its clock in UTC except the
SLA due times counted in working days on the business calendar, which were local: a routine
ticket due 2026-12-03 20:00+08:00 was stored as "2026-12-03 20:00" and read back as 20:00 UTC.

A stored reading alone cannot say which zone it was in, so only rows that prove it are repaired:
a ticket's "created" event keeps the due times it was planned with, with their offset, in JSON.
Where the column holds exactly that instant's local reading (and the offset is not zero), it is
the bug, and the column gets the instant in UTC. Tickets re-planned since (a person changed the
priority, or the case was reopened) have no such record and are left as they are; the count is
printed. PostgreSQL stored `timestamptz` correctly all along: nothing to do there.
"""
import json
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "tickets_0003"
down_revision = "tickets_0002"
branch_labels = None
depends_on = None

COLUMNS = ("response_due", "resolution_due")


def _reading(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.fromisoformat(str(value)).replace(tzinfo=None)


def repair(connection) -> tuple[int, int]:
    """(due times repaired, tickets left alone because they were re-planned since creation)."""
    if connection.dialect.name != "sqlite":
        return 0, 0
    replanned = {row[0] for row in connection.execute(sa.text(
        "SELECT DISTINCT ticket_id FROM ticket_events WHERE (kind = 'priority' AND actor NOT LIKE 'system%') "
        "OR (kind = 'status' AND data LIKE '%\"reopened\"%')"))}
    rows = connection.execute(sa.text(
        "SELECT t.id, t.response_due, t.resolution_due, e.data FROM tickets t "
        "JOIN ticket_events e ON e.ticket_id = t.id AND e.kind = 'created'")).all()
    repaired, skipped = 0, set()
    for ticket_id, response_due, resolution_due, data in rows:
        planned = json.loads(data) if isinstance(data, str) else (data or {})
        for column, stored in zip(COLUMNS, (_reading(response_due), _reading(resolution_due))):
            if not planned.get(column) or stored is None:
                continue
            intended = datetime.fromisoformat(planned[column])
            if intended.utcoffset() in (None, timedelta(0)):
                continue  # planned in UTC: stored right
            if ticket_id in replanned:
                skipped.add(ticket_id)  # its current due times were computed later, with no record
                continue
            if stored != intended.replace(tzinfo=None):
                continue  # not the planned reading: written right (or changed by hand)
            utc = intended.astimezone(timezone.utc).replace(tzinfo=None)
            connection.execute(sa.text(f"UPDATE tickets SET {column} = :value WHERE id = :id"),
                               {"value": utc.strftime("%Y-%m-%d %H:%M:%S.%f"), "id": ticket_id})
            repaired += 1
    return repaired, len(skipped)


def upgrade() -> None:
    repaired, skipped = repair(op.get_bind())
    if repaired or skipped:
        print(f"tickets_0003: {repaired} due time(s) moved from local clock readings to UTC; "
              f"{skipped} re-planned ticket(s) left as they are (check their due times)")


def downgrade() -> None:
    pass  # the repaired values are the right instants under every revision
