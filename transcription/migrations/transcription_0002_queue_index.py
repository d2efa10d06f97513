"""transcripts: by creation time, for the QA queue and the not-yet-transcribed list

Revision ID: transcription_0002
Revises: transcription_0001
Create Date: 2026-12-02
"""
from alembic import op

revision = "transcription_0002"
down_revision = "transcription_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # GET /api/qa/queue (transcription.search.review_queue: ORDER BY created_at LIMIT 200) and
    # not_transcribed (ORDER BY created_at DESC, id DESC LIMIT 50) read the index in order.
    op.create_index("ix_transcripts_created_at_id", "transcripts", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_transcripts_created_at_id", table_name="transcripts")
