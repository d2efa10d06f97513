"""messaging: take over sms_messages (made by hotline_0001) and do_not_contact (made by revisits_0001)

The tables stay where they are, with every row: this revision only records that the messaging
branch owns them from here on, so its later revisions can build on both.

Revision ID: messaging_0001
Revises:
Create Date: 2026-12-02
"""

revision = "messaging_0001"
down_revision = None
branch_labels = ("messaging",)
depends_on = ("hotline_0001", "revisits_0001")


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
