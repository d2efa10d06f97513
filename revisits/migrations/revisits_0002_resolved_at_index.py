"""revisits: by resolution time, for the KPI pack's revisit closure

Revision ID: revisits_0002
Revises: revisits_0001
Create Date: 2026-12-03
"""
from alembic import op

revision = "revisits_0002"
down_revision = "revisits_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # revisits.kpi_queries counts the resolutions of a period and how many revisits closed the loop.
    op.create_index("ix_revisits_resolved_at", "revisits", ["resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_revisits_resolved_at", table_name="revisits")
