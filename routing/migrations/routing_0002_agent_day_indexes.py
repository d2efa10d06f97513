"""routing_offers: an agent's offers by when they were answered and when they were made

Revision ID: routing_0002
Revises: routing_0001
Create Date: 2026-12-02
"""
from alembic import op

revision = "routing_0002"
down_revision = "routing_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The desk's "calls answered today" (desk.presence.handled_calls, every poll): without it the poll
    # read every offer the agent ever had (20k rows a year) to keep today's.
    op.create_index("ix_routing_offers_agent_id_answered_at", "routing_offers", ["agent_id", "answered_at"])
    # The desk's "missed offers today" (desk.presence.missed_offers); also serves the agents FK.
    op.create_index("ix_routing_offers_agent_id_offered_at", "routing_offers", ["agent_id", "offered_at"])
    op.drop_index("ix_routing_offers_agent_id", table_name="routing_offers")  # a prefix of the one above


def downgrade() -> None:
    op.create_index("ix_routing_offers_agent_id", "routing_offers", ["agent_id"])
    op.drop_index("ix_routing_offers_agent_id_offered_at", table_name="routing_offers")
    op.drop_index("ix_routing_offers_agent_id_answered_at", table_name="routing_offers")
