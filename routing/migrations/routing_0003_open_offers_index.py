"""routing_offers: the offers not ended (ringing or answered), per agent

Revision ID: routing_0003
Revises: routing_0002
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "routing_0003"
down_revision = "routing_0002"
branch_labels = None
depends_on = None

OPEN = "ended_at IS NULL"


def upgrade() -> None:
    # The rebuild after a Redis restart (routing.state.rebuild: every agent's open offers in one
    # statement) and the routing sweep's reconciliation (routing.conversations.open_conversations):
    # a handful of open offers among a year's ended ones. Without it, each read went through the
    # agent's whole history (17.7 ms an agent at 142k offers) or scanned the table.
    op.create_index("ix_routing_offers_open", "routing_offers", ["agent_id", "id"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index("ix_routing_offers_open", table_name="routing_offers")
