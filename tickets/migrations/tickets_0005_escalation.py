"""tickets: escalation to a specialist group (tier, group, plan clock) and its sweep index

Revision ID: tickets_0005
Revises: tickets_0004
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "tickets_0005"
down_revision = "tickets_0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
# Must match tickets.transitions.OPEN_STATUSES and tickets.sweep.WATCHED (see tickets_0004).
OPEN = "status IN ('new', 'assigned', 'in_progress', 'reopened')"
PLAN_WATCHED = f"{OPEN} AND plan_sla IN ('pending', 'at_risk')"


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("tier", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("escalated_group", sa.String(40), nullable=True))
        batch.add_column(sa.Column("escalated_at", TS, nullable=True))
        batch.add_column(sa.Column("plan_due", TS, nullable=True))
        batch.add_column(sa.Column("plan_at", TS, nullable=True))
        batch.add_column(sa.Column("plan_sla", sa.String(10), nullable=True))
    # The SLA sweep reads escalated tickets whose plan is due soon, not every open ticket.
    op.create_index("ix_tickets_plan_due_watched", "tickets", ["plan_due"],
                    postgresql_where=sa.text(PLAN_WATCHED), sqlite_where=sa.text(PLAN_WATCHED))


def downgrade() -> None:
    op.drop_index("ix_tickets_plan_due_watched", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        for name in ("plan_sla", "plan_at", "plan_due", "escalated_at", "escalated_group", "tier"):
            batch.drop_column(name)
