"""agent_events: by time, for the KPI pack's wrap-up seconds

Revision ID: routing_0004
Revises: routing_0003
Create Date: 2026-12-03
"""
from alembic import op

revision = "routing_0004"
down_revision = "routing_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The KPI pack's handle time (routing.kpi_queries.wrap_ups) reads every agent's status changes of
    # a period to find when each wrap-up ended; (agent_id, at) cannot bound that by time alone.
    op.create_index("ix_agent_events_at", "agent_events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_agent_events_at", table_name="agent_events")
