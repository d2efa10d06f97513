"""tickets: the night-shift log kept when the night ends, and who acknowledged it

Revision ID: tickets_0010_night_logs
Revises: tickets_0009_loop
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "tickets_0010_night_logs"
down_revision = "tickets_0009_loop"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "night_logs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("produced_at", TS, nullable=False),
        sa.Column("acknowledged_at", TS, nullable=True),
        sa.Column("acknowledged_by", sa.String(120), nullable=True),
        sa.UniqueConstraint("day", name="uq_night_logs_day"),
    )


def downgrade() -> None:
    op.drop_table("night_logs")
