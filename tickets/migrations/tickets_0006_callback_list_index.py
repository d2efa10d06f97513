"""tickets: the callback list's partial index (open tickets that owe the caller a call back)

Revision ID: tickets_0006
Revises: tickets_0005
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "tickets_0006"
down_revision = "tickets_0005"
branch_labels = None
depends_on = None

# Must match tickets.models._CALLBACKS and the list's own filter (tickets.callbacks).
CALLBACKS = "status IN ('new', 'assigned', 'in_progress', 'reopened') AND callback_requested IS true"


def upgrade() -> None:
    op.create_index("ix_tickets_callbacks", "tickets", ["created_at", "id"],
                    postgresql_where=sa.text(CALLBACKS), sqlite_where=sa.text(CALLBACKS))


def downgrade() -> None:
    op.drop_index("ix_tickets_callbacks", table_name="tickets")
