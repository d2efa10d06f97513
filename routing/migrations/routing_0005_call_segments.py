"""routing_call_segments and routing_transfers: one call, several agent segments (issue 16)

Revision ID: routing_0005
Revises: routing_0004
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)

revision = "routing_0005"
down_revision = "routing_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routing_transfers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_sid", sa.String(64), nullable=False, index=True),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("target_kind", sa.String(20), nullable=False),
        sa.Column("target", sa.String(255), nullable=False),
        sa.Column("from_agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="SET NULL")),
        sa.Column("to_agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="SET NULL")),
        sa.Column("offer_id", sa.Integer(), sa.ForeignKey("routing_offers.id", ondelete="SET NULL")),
        sa.Column("leg_sid", sa.String(64)),
        sa.Column("note", sa.Text()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("ended_at", TS),
    )
    op.create_table(
        "routing_call_segments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_sid", sa.String(64), nullable=False, index=True),
        sa.Column("offer_id", sa.Integer(), sa.ForeignKey("routing_offers.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("transfer_id", sa.Integer(), sa.ForeignKey("routing_transfers.id", ondelete="SET NULL")),
        sa.Column("started_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("routing_call_segments")
    op.drop_table("routing_transfers")
