"""routed_calls.wrap_seconds: each call's after-call work, kept on the call

Revision ID: routing_0006
Revises: routing_0005
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "routing_0006"
down_revision = "routing_0005"
branch_labels = None
depends_on = None

# Each wrap-up lasts from its event to the agent's next status change; the calls recorded before this
# revision get the sum of theirs, as the KPI pack computed it per request until now: one pass over the
# history (UPDATE ... FROM: PostgreSQL, and SQLite since 3.33).
_SECONDS = {"postgresql": "extract(epoch from until - at)",
            "sqlite": "round((julianday(until) - julianday(at)) * 86400.0, 3)"}
_BACKFILL = """
UPDATE routed_calls SET wrap_seconds = wraps.seconds
FROM (SELECT call_sid, sum({seconds}) AS seconds
      FROM (SELECT call_sid, status, at, lead(at) OVER (PARTITION BY agent_id ORDER BY at, id) AS until
            FROM agent_events) AS events
      WHERE status = 'wrap_up' AND until IS NOT NULL AND call_sid IS NOT NULL
      GROUP BY call_sid) AS wraps
WHERE wraps.call_sid = routed_calls.call_sid
"""


def upgrade() -> None:
    op.add_column("routed_calls", sa.Column("wrap_seconds", sa.Float(), nullable=True))
    op.execute(_BACKFILL.format(seconds=_SECONDS[op.get_bind().dialect.name]))


def downgrade() -> None:
    with op.batch_alter_table("routed_calls") as batch:
        batch.drop_column("wrap_seconds")
