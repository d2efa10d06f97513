"""The access policy: which calls, tickets, customers, recordings and transcripts each role sees.

Written down in docs/security.md ("Access policy"); every endpoint that shows one of these asks
here, so the rule lives in one place. The rules are pure functions of a `Viewer` and the facts of
one record; the queries turn the same rules into SQL, so list endpoints filter rows instead of
fetching everything and checking each one.

- admin, supervisor, qa: everything.
- agent: calls they were offered or took (and their own legs of those calls); tickets assigned to
  them, or open and not yet assigned in one of their queues (a queue whose skill they have: the
  ticket's category names its queue); the customers of those tickets and calls. Recordings and transcripts are QA material: agents have none.
- an agent token or user without an agent record: nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from hotline.models import Call
from tickets.models import Customer, Ticket
from tickets.transitions import OPEN_STATUSES

SEES_ALL = frozenset({"admin", "supervisor", "qa"})
MEDIA_READERS = ("qa", "supervisor")  # recordings and transcripts; admins always pass require_role
MEDIA_ROLES = frozenset({"admin", *MEDIA_READERS})


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a role and, for agents, the routing agent record they are."""

    role: str
    agent_id: int | None = None

    @property
    def sees_all(self) -> bool:
        return self.role in SEES_ALL

    @property
    def is_agent(self) -> bool:
        return self.role == "agent" and self.agent_id is not None


def viewer_of(principal) -> Viewer:
    """The viewer for an API `Principal` (or a signed-in user: anything with role and agent_id)."""
    return Viewer(role=principal.role, agent_id=principal.agent_id)


def current_viewer() -> Viewer:
    """The viewer of this request (`g.principal`, set by `require_role` or `login_required`)."""
    from flask import g

    return viewer_of(g.principal)


# ---- the rules, one record at a time (pure) -------------------------------------------------

def may_read_ticket(viewer: Viewer, *, assignee_id: int | None, status: str, category: str,
                    queues: frozenset[str]) -> bool:
    if viewer.sees_all:
        return True
    if not viewer.is_agent:
        return False
    return assignee_id == viewer.agent_id or (assignee_id is None and status in OPEN_STATUSES and category in queues)


def may_read_call(viewer: Viewer, *, offered_to_viewer: bool) -> bool:
    return viewer.sees_all or (viewer.is_agent and offered_to_viewer)


def may_assign(viewer: Viewer, assignee_id: int | None) -> bool:
    """Agents keep tickets for themselves; handing one on goes through a supervisor."""
    return viewer.role in ("admin", "supervisor") or (viewer.is_agent and assignee_id == viewer.agent_id)


def may_read_media(viewer: Viewer) -> bool:
    """Recordings and transcripts (the QA material)."""
    return viewer.role in MEDIA_ROLES


# ---- the same rules as queries --------------------------------------------------------------

def _offered_sids(viewer: Viewer):
    from routing.agent_work import offered_call_sids

    return offered_call_sids(viewer.agent_id)


def queues_of(session: Session, viewer: Viewer) -> frozenset[str]:
    if not viewer.is_agent:
        return frozenset()
    from routing.agent_work import agent_queues
    from routing.state import get_rules

    return agent_queues(session, viewer.agent_id, get_rules())


def call_clause(viewer: Viewer) -> ColumnElement[bool] | None:
    """A WHERE clause on `Call` for the calls the viewer may see; None when they see all."""
    if viewer.sees_all:
        return None
    if not viewer.is_agent:
        return false()
    offered = _offered_sids(viewer)
    return or_(Call.sid.in_(offered), Call.parent_sid.in_(offered))


def call_sid_clause(viewer: Viewer, column) -> ColumnElement[bool] | None:
    """A WHERE clause on any CallSid column (a ticket's calls, a recording's call); None: all."""
    clause = call_clause(viewer)
    if clause is None:
        return None
    return column.in_(select(Call.sid).where(clause))


def may_read_call_sid(session: Session, viewer: Viewer, sid: str) -> bool:
    clause = call_clause(viewer)
    if clause is None:
        return True
    return bool(session.scalar(select(exists().where(Call.sid == sid, clause))))


def visible_call_sids(session: Session, viewer: Viewer, sids: list[str]) -> set[str]:
    """Those of `sids` the viewer may see."""
    clause = call_clause(viewer)
    if clause is None or not sids:
        return set(sids)
    return set(session.scalars(select(Call.sid).where(Call.sid.in_(sids), clause)))


def ticket_clause(session: Session, viewer: Viewer) -> ColumnElement[bool] | None:
    """A WHERE clause on `Ticket` for the tickets the viewer may see; None when they see all."""
    if viewer.sees_all:
        return None
    if not viewer.is_agent:
        return false()
    queues = queues_of(session, viewer)
    in_queue = and_(Ticket.assignee_id.is_(None), Ticket.status.in_(sorted(OPEN_STATUSES)),
                    Ticket.category.in_(sorted(queues))) if queues else false()
    return or_(Ticket.assignee_id == viewer.agent_id, in_queue)


def may_read_ticket_row(session: Session, viewer: Viewer, ticket: Ticket) -> bool:
    if viewer.sees_all:
        return True
    return may_read_ticket(viewer, assignee_id=ticket.assignee_id, status=ticket.status,
                           category=ticket.category, queues=queues_of(session, viewer))


def may_read_customer(session: Session, viewer: Viewer, customer: Customer) -> bool:
    """The customer of a ticket or a call the viewer may see."""
    if viewer.sees_all:
        return True
    if not viewer.is_agent:
        return False
    tickets = ticket_clause(session, viewer)
    if session.scalar(select(exists().where(Ticket.customer_id == customer.id, tickets))):
        return True
    calls = call_clause(viewer)
    return bool(session.scalar(select(exists().where(
        or_(Call.from_number == customer.phone, Call.to_number == customer.phone), calls))))
