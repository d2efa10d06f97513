"""transcription: transcripts, call facts for QA search, reviews

Revision ID: transcription_0001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "transcription_0001"
down_revision = None
branch_labels = ("transcription",)
depends_on = "recordings_0002"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "transcripts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recording_id", sa.Integer(), sa.ForeignKey("recordings.id", ondelete="CASCADE",
                                                              name="fk_transcripts_recording_id_recordings"),
                  nullable=False),
        sa.Column("call_sid", sa.String(64), nullable=False),
        sa.Column("language", sa.String(10), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(500), nullable=True),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("unredacted_turns", sa.JSON(), nullable=True),
        sa.Column("unredacted_text", sa.Text(), nullable=True),
        sa.Column("redactions", sa.JSON(), nullable=False),
        sa.Column("audio_seconds", sa.Float(), nullable=True),
        sa.Column("decode_seconds", sa.Float(), nullable=True),
        sa.Column("analysis", sa.JSON(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("categories", sa.String(300), nullable=False),
        sa.Column("flags", sa.String(300), nullable=False),
        sa.Column("review_reason", sa.String(40), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_transcripts"),
        sa.UniqueConstraint("recording_id", name="uq_transcripts_recording_id"),
    )
    op.create_index("ix_transcripts_call_sid", "transcripts", ["call_sid"])
    op.create_index("ix_transcripts_status", "transcripts", ["status"])
    op.create_index("ix_transcripts_score", "transcripts", ["score"])
    op.create_index("ix_transcripts_review_reason", "transcripts", ["review_reason"])

    op.create_table(
        "qa_call_facts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_sid", sa.String(64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("queue", sa.String(40), nullable=True),
        sa.Column("language", sa.String(10), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qa_call_facts"),
        sa.UniqueConstraint("call_sid", name="uq_qa_call_facts_call_sid"),
    )
    op.create_index("ix_qa_call_facts_agent_id", "qa_call_facts", ["agent_id"])
    op.create_index("ix_qa_call_facts_queue", "qa_call_facts", ["queue"])

    op.create_table(
        "qa_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("transcript_id", sa.Integer(), sa.ForeignKey("transcripts.id", ondelete="CASCADE",
                                                               name="fk_qa_reviews_transcript_id_transcripts"),
                  nullable=False),
        sa.Column("call_sid", sa.String(64), nullable=False),
        sa.Column("reviewer", sa.String(120), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qa_reviews"),
        sa.UniqueConstraint("transcript_id", "reviewer", name="uq_qa_reviews_transcript_reviewer"),
    )
    op.create_index("ix_qa_reviews_transcript_id", "qa_reviews", ["transcript_id"])
    op.create_index("ix_qa_reviews_call_sid", "qa_reviews", ["call_sid"])


def downgrade() -> None:
    op.drop_table("qa_reviews")
    op.drop_table("qa_call_facts")
    op.drop_table("transcripts")
