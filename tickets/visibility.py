"""Which tickets and customers a viewer may see, as tickets' own queries: the access policy's rule
(`hotline.contracts.AccessPolicy.may_read_ticket`, docs/security.md) over tickets' tables, so the
policy never reads them and the ticket list filters rows instead of checking each one."""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from hotline.contracts import AccessPolicy, Viewer, need
from hotline.models import Call
from tickets.models import Customer, Ticket
from tickets.transitions import OPEN_STATUSES


def access() -> AccessPolicy:
    """The access policy (the access area provides it)."""
    return need(AccessPolicy)


def ticket_clause(session: Session, viewer: Viewer) -> ColumnElement[bool] | None:
    """A WHERE clause on `Ticket` for the tickets the viewer may see; None when they see all."""
    if viewer.sees_all:
        return None
    if not viewer.is_agent:
        return false()
    queues = need(AccessPolicy).queues_of(session, viewer)
    in_queue = and_(Ticket.assignee_id.is_(None), Ticket.status.in_(sorted(OPEN_STATUSES)),
                    Ticket.category.in_(sorted(queues))) if queues else false()
    return or_(Ticket.assignee_id == viewer.agent_id, in_queue)


def may_read_ticket_row(session: Session, viewer: Viewer, ticket: Ticket) -> bool:
    if viewer.sees_all:
        return True
    policy = need(AccessPolicy)
    return policy.may_read_ticket(viewer, assignee_id=ticket.assignee_id, is_open=ticket.status in OPEN_STATUSES,
                                  category=ticket.category, queues=policy.queues_of(session, viewer))


def may_read_customer(session: Session, viewer: Viewer, customer: Customer) -> bool:
    """The customer of a ticket or a call the viewer may see."""
    if viewer.sees_all:
        return True
    if not viewer.is_agent:
        return False
    tickets = ticket_clause(session, viewer)
    if session.scalar(select(exists().where(Ticket.customer_id == customer.id, tickets))):
        return True
    calls = need(AccessPolicy).call_clause(viewer)
    return bool(session.scalar(select(exists().where(
        or_(Call.from_number == customer.phone, Call.to_number == customer.phone), calls))))
