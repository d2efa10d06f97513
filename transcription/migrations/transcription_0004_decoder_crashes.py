"""transcripts.decoder_crashes: decodes that crashed by themselves, told from workers killed from outside

Revision ID: transcription_0004
Revises: transcription_0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "transcription_0004"
down_revision = "transcription_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Counted by the live worker that saw its decoding child die of a crash (transcription.crashes);
    # `attempts` keeps counting starts, which a killed worker also ends.
    op.add_column("transcripts", sa.Column("decoder_crashes", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("transcripts", "decoder_crashes")
