"""recordings: when the next download attempt is due, kept in the database so a lost job is re-made

Revision ID: recordings_0003
Revises: recordings_0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "recordings_0003"
down_revision = "recordings_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recordings") as batch:
        batch.add_column(sa.Column("download_due_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as batch:
        batch.drop_column("download_due_at")
