"""tickets: the customer file (contact time, identity confirmed, unique customer numbers, history)

Revision ID: tickets_0008
Revises: tickets_0007
Create Date: 2026-12-03
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "tickets_0008"
down_revision = "tickets_0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("contact_time", sa.String(60), nullable=True))
        batch.add_column(sa.Column("identity_confirmed_at", TS, nullable=True))
        batch.add_column(sa.Column("identity_confirmed_by", sa.String(60), nullable=True))
    op.create_table(
        "customer_counters",
        sa.Column("month", sa.String(6), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False))
    op.create_table(
        "customer_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False))
    op.create_index("ix_customer_events_customer_id_id", "customer_events", ["customer_id", "id"])
    unique_numbers(op.get_bind())
    op.create_index("ux_customers_customer_number", "customers", ["customer_number"], unique=True)


def unique_numbers(connection) -> None:
    """Numbers typed by hand may repeat: the first customer keeps one, the others lose it, and their
    history says what it was (nothing is silently dropped)."""
    repeated = connection.execute(sa.text(
        "SELECT id, customer_number FROM customers WHERE customer_number IN ("
        "SELECT customer_number FROM customers WHERE customer_number IS NOT NULL "
        "GROUP BY customer_number HAVING count(*) > 1) ORDER BY customer_number, id")).all()
    kept: set[str] = set()
    for customer_id, number in repeated:
        if number not in kept:
            kept.add(number)
            continue
        connection.execute(sa.text("UPDATE customers SET customer_number = NULL WHERE id = :id"), {"id": customer_id})
        connection.execute(sa.text(
            "INSERT INTO customer_events (customer_id, at, actor, changes) VALUES (:id, CURRENT_TIMESTAMP, "
            "'system:tickets_0008', :changes)"), {"id": customer_id,
                                                   "changes": json.dumps({"customer_number": [number, None]})})


def downgrade() -> None:
    op.drop_index("ux_customers_customer_number", table_name="customers")
    op.drop_index("ix_customer_events_customer_id_id", table_name="customer_events")
    op.drop_table("customer_events")
    op.drop_table("customer_counters")
    with op.batch_alter_table("customers") as batch:
        for name in ("identity_confirmed_by", "identity_confirmed_at", "contact_time"):
            batch.drop_column(name)
