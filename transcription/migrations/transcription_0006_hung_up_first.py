"""transcription: who hung up first on the call, for QA

Revision ID: transcription_0006
Revises: transcription_0005
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "transcription_0006"
down_revision = "transcription_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("qa_call_facts") as batch:
        batch.add_column(sa.Column("hung_up_first", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("qa_call_facts") as batch:
        batch.drop_column("hung_up_first")
