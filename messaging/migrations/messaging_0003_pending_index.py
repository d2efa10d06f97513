"""messaging: a partial index of pending messages by age, for the outbox sweep

Revision ID: messaging_0003
Revises: messaging_0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "messaging_0003"
down_revision = "messaging_0002"
branch_labels = None
depends_on = None

PENDING = "status = 'pending'"


def upgrade() -> None:
    # The outbox sweep (messaging.outbox.sweep_outbox, every minute): pending messages older than
    # two minutes, oldest first, a batch at a time by (created_at, id). Only rows waiting for their
    # job are in it (a handful), so it costs sending nothing: a row leaves it when it is sent.
    op.create_index("ix_sms_messages_pending_created_at_id", "sms_messages", ["created_at", "id"],
                    postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))


def downgrade() -> None:
    op.drop_index("ix_sms_messages_pending_created_at_id", table_name="sms_messages")
