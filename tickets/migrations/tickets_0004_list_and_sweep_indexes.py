"""tickets: indexes for the ticket list's order and filters, the SLA sweep and an agent's day

Revision ID: tickets_0004
Revises: tickets_0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "tickets_0004"
down_revision = "tickets_0003"
branch_labels = None
depends_on = None

# Must match tickets.transitions.OPEN_STATUSES and tickets.sweep.WATCHED: the planner uses a partial
# index only when the query's own conditions imply its WHERE.
OPEN = "status IN ('new', 'assigned', 'in_progress', 'reopened')"
RESPONSE_WATCHED = f"{OPEN} AND response_sla IN ('pending', 'at_risk') AND first_response_at IS NULL"
RESOLUTION_WATCHED = f"{OPEN} AND resolution_sla IN ('pending', 'at_risk')"


def _partial(name: str, columns: list[str], where: str) -> None:
    op.create_index(name, "tickets", columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def upgrade() -> None:
    # GET /api/tickets without filters, with from/to, and the reports by period: ORDER BY created_at
    # DESC, id DESC LIMIT n walks the index backwards instead of sorting the table.
    op.create_index("ix_tickets_created_at_id", "tickets", ["created_at", "id"])
    # GET /api/tickets?category= / ?priority= / ?assignee_id= / ?phone= (customer_id): each filter with
    # the list's order, so a page is read in order from one index (status has ix_tickets_status_created_at).
    op.create_index("ix_tickets_category_created_at", "tickets", ["category", "created_at"])
    op.create_index("ix_tickets_priority_created_at", "tickets", ["priority", "created_at"])
    op.create_index("ix_tickets_assignee_id_created_at", "tickets", ["assignee_id", "created_at"])
    op.drop_index("ix_tickets_assignee_id", table_name="tickets")  # a prefix of the one above
    op.create_index("ix_tickets_customer_id_created_at", "tickets", ["customer_id", "created_at"])
    # GET /api/tickets?breached=true (its count and its page): breached tickets are few, so a partial
    # index holds only them. Written `IS true` as the API's filter is: PostgreSQL proves a partial
    # index usable from the same expression, and `breached IS true` does not prove plain `breached`.
    _partial("ix_tickets_breached_created_at", ["created_at", "id"], "breached IS true")
    op.drop_index("ix_tickets_breached", table_name="tickets")
    # The SLA sweep (tickets.sweep.sweep_sla, every minute): only open tickets whose clock is still
    # watched are in these, so the sweep reads the few due soon instead of every open ticket.
    _partial("ix_tickets_response_due_watched", ["response_due"], RESPONSE_WATCHED)
    _partial("ix_tickets_resolution_due_watched", ["resolution_due"], RESOLUTION_WATCHED)
    # The desk's "tickets resolved today" (desk.my_day.tickets_resolved, every poll): one agent's
    # status events since midnight.
    op.create_index("ix_ticket_events_actor_kind_at", "ticket_events", ["actor", "kind", "at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_events_actor_kind_at", table_name="ticket_events")
    op.drop_index("ix_tickets_resolution_due_watched", table_name="tickets")
    op.drop_index("ix_tickets_response_due_watched", table_name="tickets")
    op.create_index("ix_tickets_breached", "tickets", ["breached"])
    op.drop_index("ix_tickets_breached_created_at", table_name="tickets")
    op.drop_index("ix_tickets_customer_id_created_at", table_name="tickets")
    op.create_index("ix_tickets_assignee_id", "tickets", ["assignee_id"])
    op.drop_index("ix_tickets_assignee_id_created_at", table_name="tickets")
    op.drop_index("ix_tickets_priority_created_at", table_name="tickets")
    op.drop_index("ix_tickets_category_created_at", table_name="tickets")
    op.drop_index("ix_tickets_created_at_id", table_name="tickets")
