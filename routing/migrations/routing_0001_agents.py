"""routing: agents, agent events, routed calls, offers

Revision ID: routing_0001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "routing_0001"
down_revision = None
branch_labels = ("routing",)
depends_on = "hotline_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_since", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agents"),
    )
    op.create_table(
        "agent_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("previous", sa.String(20), nullable=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("call_sid", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_agent_events"),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name="fk_agent_events_agent_id_agents", ondelete="CASCADE"),
    )
    op.create_index("ix_agent_events_agent_id_at", "agent_events", ["agent_id", "at"])
    op.create_table(
        "routed_calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_sid", sa.String(64), nullable=False),
        sa.Column("queue", sa.String(20), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("entered_at", TS, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.Column("rings", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("abandoned_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("callback_requested_at", TS, nullable=True),
        sa.Column("callback_number", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_routed_calls"),
        sa.UniqueConstraint("call_sid", name="uq_routed_calls_call_sid"),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name="fk_routed_calls_agent_id_agents", ondelete="SET NULL"),
    )
    op.create_index("ix_routed_calls_queue", "routed_calls", ["queue"])
    op.create_index("ix_routed_calls_entered_at", "routed_calls", ["entered_at"])
    op.create_table(
        "routing_offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_sid", sa.String(64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("offered_at", TS, nullable=False),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("leg_sid", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_routing_offers"),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name="fk_routing_offers_agent_id_agents", ondelete="CASCADE"),
    )
    op.create_index("ix_routing_offers_call_sid", "routing_offers", ["call_sid"])
    op.create_index("ix_routing_offers_agent_id", "routing_offers", ["agent_id"])
    op.create_index("ix_routing_offers_offered_at", "routing_offers", ["offered_at"])


def downgrade() -> None:
    op.drop_table("routing_offers")
    op.drop_table("routed_calls")
    op.drop_table("agent_events")
    op.drop_table("agents")
