"""tickets: departments own work (hand-off and reply clocks, their sweep indexes); the free-text
department becomes a department key

Revision ID: tickets_0007
Revises: tickets_0006
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "tickets_0007"
down_revision = "tickets_0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
# Must match tickets.transitions.OPEN_STATUSES and tickets.sweep.WATCHED (see tickets_0004).
OPEN = "status IN ('new', 'assigned', 'in_progress', 'reopened')"
HANDOFF_WATCHED = f"{OPEN} AND handoff_sla IN ('pending', 'at_risk')"
REPLY_WATCHED = f"{OPEN} AND reply_sla IN ('pending', 'at_risk')"
# The shipped departments (tickets/departments.yaml at this revision) by the names agents typed;
# frozen here so the migration means the same whatever the file says later.
KEYS = {
    "technical": ("technical", "tech", "技术部", "技术", "技术部门"),
    "billing": ("billing", "财务部", "财务", "账务"),
    "logistics": ("logistics", "物流部", "物流"),
    "after-sales": ("after-sales", "aftersales", "售后部", "售后"),
    "sales": ("sales", "销售部", "销售", "销售部门"),
    "product": ("product", "产品部", "产品"),
    "operations": ("operations", "运营部", "运营"),
}


def keys_from_free_text(connection) -> None:
    """A typed name of a shipped department becomes its key; any other text stays readable as the
    ticket's `department_note` (and its department is none)."""
    tickets = sa.table("tickets", sa.column("department", sa.String), sa.column("department_note", sa.String))
    for key, names in KEYS.items():
        connection.execute(tickets.update().where(sa.func.lower(sa.func.trim(tickets.c.department)).in_(names))
                           .values(department=key))
    connection.execute(tickets.update().where(tickets.c.department.is_not(None),
                                              tickets.c.department.not_in(list(KEYS)))
                       .values(department_note=tickets.c.department, department=None))


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("department_note", sa.String(60), nullable=True))
        for name in ("handed_off_at", "handoff_due", "department_ack_at", "reply_due", "department_reply_at"):
            batch.add_column(sa.Column(name, TS, nullable=True))
        batch.add_column(sa.Column("handoff_sla", sa.String(10), nullable=True))
        batch.add_column(sa.Column("reply_sla", sa.String(10), nullable=True))
    keys_from_free_text(op.get_bind())
    op.create_index("ix_tickets_handoff_due_watched", "tickets", ["handoff_due"],
                    postgresql_where=sa.text(HANDOFF_WATCHED), sqlite_where=sa.text(HANDOFF_WATCHED))
    op.create_index("ix_tickets_reply_due_watched", "tickets", ["reply_due"],
                    postgresql_where=sa.text(REPLY_WATCHED), sqlite_where=sa.text(REPLY_WATCHED))


def downgrade() -> None:
    op.drop_index("ix_tickets_reply_due_watched", table_name="tickets")
    op.drop_index("ix_tickets_handoff_due_watched", table_name="tickets")
    tickets = sa.table("tickets", sa.column("department", sa.String), sa.column("department_note", sa.String))
    op.execute(tickets.update().where(tickets.c.department.is_(None), tickets.c.department_note.is_not(None))
               .values(department=tickets.c.department_note))
    with op.batch_alter_table("tickets") as batch:
        for name in ("reply_sla", "handoff_sla", "department_reply_at", "reply_due", "department_ack_at",
                     "handoff_due", "handed_off_at", "department_note"):
            batch.drop_column(name)
