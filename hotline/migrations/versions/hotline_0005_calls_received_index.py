"""calls: an index for the calls received in a period (the night-shift log)

Revision ID: hotline_0005
Revises: hotline_0004
Create Date: 2026-12-03
"""
from alembic import op

revision = "hotline_0005"
down_revision = "hotline_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # GET /api/reports/night: `direction = 'inbound' AND created_at in [closing, opening)` GROUP BY status
    # reads the night's entries, not the whole table.
    op.create_index("ix_calls_direction_created_at", "calls", ["direction", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_calls_direction_created_at", table_name="calls")
