"""calls: when to ask Twilio about a call its callbacks may have missed

Revision ID: hotline_0004
Revises: hotline_0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "hotline_0004"
down_revision = "hotline_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("reconcile_at", sa.DateTime(timezone=True), nullable=True))
    # hotline.reconcile.due_calls: `reconcile_at <= now ORDER BY reconcile_at, id LIMIT n`; only
    # calls with something left to ask are in the index, so a million finished calls cost nothing.
    op.create_index("ix_calls_reconcile_at", "calls", ["reconcile_at", "id"],
                    postgresql_where=sa.text("reconcile_at IS NOT NULL"),
                    sqlite_where=sa.text("reconcile_at IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_calls_reconcile_at", table_name="calls")
    op.drop_column("calls", "reconcile_at")
