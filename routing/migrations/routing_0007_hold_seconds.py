"""routed_calls.hold_seconds: the caller's time on hold, kept on the call

Revision ID: routing_0007
Revises: routing_0006
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "routing_0007"
down_revision = "routing_0006"
branch_labels = None
depends_on = None

# Calls held before this revision get the sum of their `hold_ended` events' seconds (call_events is
# indexed by kind: the pass reads only those events).
_SECONDS = {"postgresql": "CAST(e.data ->> 'seconds' AS FLOAT)",
            "sqlite": "CAST(json_extract(e.data, '$.seconds') AS REAL)"}
_BACKFILL = """
UPDATE routed_calls SET hold_seconds = holds.seconds
FROM (SELECT c.sid AS call_sid, sum({seconds}) AS seconds
      FROM call_events AS e JOIN calls AS c ON c.id = e.call_id
      WHERE e.kind = 'hold_ended'
      GROUP BY c.sid) AS holds
WHERE holds.call_sid = routed_calls.call_sid AND holds.seconds IS NOT NULL
"""


def upgrade() -> None:
    op.add_column("routed_calls", sa.Column("hold_seconds", sa.Float(), nullable=True))
    op.execute(_BACKFILL.format(seconds=_SECONDS[op.get_bind().dialect.name]))


def downgrade() -> None:
    with op.batch_alter_table("routed_calls") as batch:
        batch.drop_column("hold_seconds")
