"""tickets: customers

Revision ID: tickets_0001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "tickets_0001"
down_revision = None
branch_labels = ("tickets",)
depends_on = "hotline_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("name", sa.String(120), nullable=True),
        sa.Column("surname", sa.String(60), nullable=True),
        sa.Column("title", sa.String(10), nullable=True),
        sa.Column("customer_number", sa.String(40), nullable=True),
        sa.Column("language", sa.String(10), nullable=True),
        sa.Column("timezone", sa.String(40), nullable=True),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("phone", name="uq_customers_phone"),
    )


def downgrade() -> None:
    op.drop_table("customers")
