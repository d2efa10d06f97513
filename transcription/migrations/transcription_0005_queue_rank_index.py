"""transcription: the review queue's order as an index (reason's rank, created_at, id)

Revision ID: transcription_0005
Revises: transcription_0004
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "transcription_0005"
down_revision = "transcription_0004"
branch_labels = None
depends_on = None

RANK = ("(CASE review_reason WHEN 'escalation' THEN 0 WHEN 'complaint' THEN 1 WHEN 'low_score' THEN 2 "
        "WHEN 'random_sample' THEN 3 ELSE 4 END)")
WAITING = "status = 'done' AND review_reason IS NOT NULL"


def upgrade() -> None:
    # GET /api/qa/queue (transcription.search.review_queue_page): `ORDER BY <rank>, created_at, id
    # LIMIT n` over done transcripts with a reason walks this index and stops after a page, instead of
    # sorting every waiting call (a hash join over the whole table at 100k transcripts). The rank is
    # written exactly as the query writes it (values inline), or PostgreSQL does not match the two.
    op.create_index("ix_transcripts_queue_rank", "transcripts", [sa.text(RANK), "created_at", "id"],
                    postgresql_where=sa.text(WAITING), sqlite_where=sa.text(WAITING))


def downgrade() -> None:
    op.drop_index("ix_transcripts_queue_rank", table_name="transcripts")
