"""tickets: the "we will contact you" notice waits for the call's outcome (follow_up_notice)

Revision ID: tickets_0009_loop
Revises: tickets_0008
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "tickets_0009_loop"
down_revision = "tickets_0008"
branch_labels = None
depends_on = None
# Must match tickets.models.Ticket's partial index: the few tickets whose call's outcome is awaited.
PENDING = "follow_up_notice = 'pending'"


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("follow_up_notice", sa.String(12), nullable=True))
    op.create_index("ix_tickets_follow_up_pending", "tickets", ["created_at"],
                    postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))


def downgrade() -> None:
    op.drop_index("ix_tickets_follow_up_pending", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("follow_up_notice")
