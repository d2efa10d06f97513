"""qa_reviews: by time, for the KPI pack's reviewers' scores

Revision ID: transcription_0007
Revises: transcription_0006
Create Date: 2026-12-03
"""
from alembic import op

revision = "transcription_0007"
down_revision = "transcription_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # transcription.kpi_queries averages the scores reviewers gave in a period.
    op.create_index("ix_qa_reviews_created_at", "qa_reviews", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_qa_reviews_created_at", table_name="qa_reviews")
