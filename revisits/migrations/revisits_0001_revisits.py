"""revisits: revisits, revisit attempts, do-not-contact list

Revision ID: revisits_0001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "revisits_0001"
down_revision = None
branch_labels = ("revisits",)
depends_on = "hotline_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "revisits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("ticket_number", sa.String(40), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("timezone", sa.String(40), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("salutation_zh", sa.String(40), nullable=True),
        sa.Column("salutation_en", sa.String(80), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("call_attempts", sa.Integer(), nullable=False),
        sa.Column("resolved_at", TS, nullable=False),
        sa.Column("deadline_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("claim", sa.String(32), nullable=True),
        sa.Column("call_sid", sa.String(64), nullable=True),
        sa.Column("message_sid", sa.String(64), nullable=True),
        sa.Column("last_outcome", sa.String(20), nullable=True),
        sa.Column("channel", sa.String(10), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("transferred", sa.Boolean(), nullable=False),
        sa.Column("clarified", sa.Boolean(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("completed_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revisits"),
        sa.UniqueConstraint("ticket_id", "round", name="uq_revisits_ticket_id_round"),
    )
    op.create_index("ix_revisits_state_due_at", "revisits", ["state", "due_at"])
    for column in ("ticket_id", "phone", "category", "agent_id", "call_sid", "message_sid", "completed_at"):
        op.create_index(f"ix_revisits_{column}", "revisits", [column])
    op.create_table(
        "revisit_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("revisit_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("sid", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("answered_by", sa.String(30), nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("placed_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_revisit_attempts"),
        sa.ForeignKeyConstraint(["revisit_id"], ["revisits.id"], ondelete="CASCADE",
                                name="fk_revisit_attempts_revisit_id_revisits"),
        sa.UniqueConstraint("revisit_id", "attempt", name="uq_revisit_attempts_revisit_id_attempt"),
    )
    op.create_index("ix_revisit_attempts_sid", "revisit_attempts", ["sid"])
    op.create_table(
        "do_not_contact",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("keyword", sa.String(20), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_do_not_contact"),
        sa.UniqueConstraint("phone", name="uq_do_not_contact_phone"),
    )


def downgrade() -> None:
    op.drop_table("do_not_contact")
    op.drop_table("revisit_attempts")
    op.drop_table("revisits")
