"""recordings: recordings

Revision ID: recordings_0001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "recordings_0001"
down_revision = None
branch_labels = ("recordings",)
depends_on = "hotline_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sid", sa.String(64), nullable=False),
        sa.Column("call_sid", sa.String(64), nullable=False),
        sa.Column("source", sa.String(40), nullable=True),
        sa.Column("twilio_status", sa.String(20), nullable=False),
        sa.Column("twilio_url", sa.String(500), nullable=True),
        sa.Column("twilio_error_code", sa.String(10), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("channels", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_recordings"),
        sa.UniqueConstraint("sid", name="uq_recordings_sid"),
    )
    op.create_index("ix_recordings_call_sid", "recordings", ["call_sid"])


def downgrade() -> None:
    op.drop_table("recordings")
