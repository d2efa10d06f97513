"""messaging: the outbox's columns (which area asked, whether consent applies) and reply lookup

`area` routes a message's outcome and the replies to it back to the area that sent it; rows
written before the outbox get it from their purpose. `check_consent` is false for staff alerts.
The (to_number, id) index serves an inbound reply's lookup of the newest message to its sender.

Revision ID: messaging_0002
Revises: messaging_0001
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "messaging_0002"
down_revision = "messaging_0001"
branch_labels = None
depends_on = None

TICKET_PURPOSES = ("ticket_created", "ticket_callback", "ticket_resolved", "sla_alert")


def upgrade() -> None:
    with op.batch_alter_table("sms_messages") as batch:
        batch.add_column(sa.Column("area", sa.String(20), nullable=True))
        batch.add_column(sa.Column("check_consent", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_index("ix_sms_messages_to_number_id", "sms_messages", ["to_number", "id"])
    sms = sa.table("sms_messages", sa.column("purpose", sa.String), sa.column("area", sa.String),
                   sa.column("check_consent", sa.Boolean))
    op.execute(sms.update().where(sms.c.purpose.like("revisit:%")).values(area="revisits"))
    op.execute(sms.update().where(sms.c.purpose.in_(TICKET_PURPOSES)).values(area="tickets"))
    op.execute(sms.update().where(sms.c.purpose == "sla_alert").values(check_consent=False))


def downgrade() -> None:
    op.drop_index("ix_sms_messages_to_number_id", "sms_messages")
    with op.batch_alter_table("sms_messages") as batch:
        batch.drop_column("check_consent")
        batch.drop_column("area")
