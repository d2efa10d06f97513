"""calls.end_announced_at: when `call_ended` reached every receiver (replayed until it has)

Revision ID: hotline_0002
Revises: hotline_0001
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "hotline_0002"
down_revision = "hotline_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("end_announced_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_calls_ended_at", "calls", ["ended_at"])


def downgrade() -> None:
    op.drop_index("ix_calls_ended_at", table_name="calls")
    op.drop_column("calls", "end_announced_at")
