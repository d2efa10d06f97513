"""desk: users who sign in to the pages (moved: the people area owns the table, people_0001)

Revision ID: desk_0001
Revises:
Create Date: 2026-11-24

Kept so databases that recorded this revision still find it. It made the users table until the
people area took the table over; people_0001 makes it now, or adopts the one this revision made.
"""
revision = "desk_0001"
down_revision = None
branch_labels = ("desk",)
depends_on = "hotline_0001"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
