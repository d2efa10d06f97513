"""recordings: our local copy (path, checksum, audio format) and its life

Revision ID: recordings_0002
Revises: recordings_0001
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "recordings_0002"
down_revision = "recordings_0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("recordings") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="pending"))
        batch.add_column(sa.Column("path", sa.String(500), nullable=True))
        batch.add_column(sa.Column("size_bytes", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("sha256", sa.String(64), nullable=True))
        batch.add_column(sa.Column("sample_rate", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("audio_seconds", sa.Float(), nullable=True))
        batch.add_column(sa.Column("download_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("stored_at", TS, nullable=True))
        batch.add_column(sa.Column("deleted_at_twilio", TS, nullable=True))
        batch.add_column(sa.Column("purged_at", TS, nullable=True))
    op.create_index("ix_recordings_status", "recordings", ["status"])


def downgrade() -> None:
    op.drop_index("ix_recordings_status", "recordings")
    with op.batch_alter_table("recordings") as batch:
        for name in ("purged_at", "deleted_at_twilio", "stored_at", "download_attempts", "audio_seconds",
                     "sample_rate", "sha256", "size_bytes", "path", "status"):
            batch.drop_column(name)
