"""ivr: each call's outcome in the menu (ivr_calls, ivr_misses), backfilled from the calls' events

Revision ID: ivr_0001
Revises:
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "ivr_0001"
down_revision = None
branch_labels = ("ivr",)
depends_on = "hotline_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ivr_calls",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("queue", sa.String(64), nullable=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("voicemail", sa.Boolean(), nullable=False),
        sa.Column("served", sa.Boolean(), nullable=False),
        sa.Column("ticket_found", sa.Boolean(), nullable=False),
        sa.Column("last_node", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_ivr_calls_call_id_calls", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("call_id", name="pk_ivr_calls"),
    )
    # GET /api/reports/ivr: the calls that entered the menu in the period (ivr.report.ivr_report).
    op.create_index("ix_ivr_calls_started_at", "ivr_calls", ["started_at"])
    op.create_table(
        "ivr_misses",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(64), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_ivr_misses_call_id_calls", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("call_id", "node", name="pk_ivr_misses"),
    )
    # The calls already in the database: their events folded once, as settling does from now on.
    from ivr.outcome import backfill

    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("ivr_misses")
    op.drop_index("ix_ivr_calls_started_at", table_name="ivr_calls")
    op.drop_table("ivr_calls")
