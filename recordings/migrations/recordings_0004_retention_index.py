"""recordings: a partial index of stored copies by when they were stored, for the retention purge

Revision ID: recordings_0004
Revises: recordings_0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "recordings_0004"
down_revision = "recordings_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The retention purge (recordings.retention.purge_expired_recordings, daily): `status = 'stored'
    # AND stored_at < cutoff` reads only the expired copies; purged rows leave the index.
    op.create_index("ix_recordings_stored_at_stored", "recordings", ["stored_at"],
                    postgresql_where=sa.text("status = 'stored'"), sqlite_where=sa.text("status = 'stored'"))


def downgrade() -> None:
    op.drop_index("ix_recordings_stored_at_stored", table_name="recordings")
