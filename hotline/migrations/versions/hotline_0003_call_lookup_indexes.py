"""calls: indexes for looking a caller up by number, newest first

Revision ID: hotline_0003
Revises: hotline_0002
Create Date: 2026-12-02
"""
from alembic import op

revision = "hotline_0003"
down_revision = "hotline_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The screen pop's last contacts (desk.caller_context.last_contacts) and GET /api/customers/<phone>:
    # `from_number = ? ORDER BY created_at DESC LIMIT n` reads n index entries instead of the table.
    op.create_index("ix_calls_from_number_created_at", "calls", ["from_number", "created_at"])
    # GET /api/customers/<phone>: the calls we made to the customer (callbacks, revisits).
    op.create_index("ix_calls_to_number_created_at", "calls", ["to_number", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_calls_to_number_created_at", table_name="calls")
    op.drop_index("ix_calls_from_number_created_at", table_name="calls")
