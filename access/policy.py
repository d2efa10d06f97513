"""The access policy: which calls, tickets, customers, recordings and transcripts each role sees.

Written down in docs/security.md ("Access policy"); every endpoint that shows one of these asks
here, so the rule lives in one place. The rules are pure functions of a `Viewer` and the facts of
one record; the queries turn the same rules into SQL, so list endpoints filter rows instead of
fetching everything and checking each one.

- admin, supervisor, qa: everything.
- agent: calls they were offered or took (and their own legs of those calls); tickets assigned to
  them, or open and not yet assigned in one of their queues (a queue whose skill they have: the
  ticket's category names its queue); the customers of those tickets and calls. The ticket and
  customer rules as queries are tickets' (tickets.visibility), built on these; routing answers
  what an agent was offered and serves (`AgentWork`). Recordings and transcripts are QA material: agents have none.
- an agent token or user without an agent record: nothing.
"""
from __future__ import annotations

from flask import g
from sqlalchemy import ColumnElement, exists, false, or_, select
from sqlalchemy.orm import Session

from access import log
from hotline.contracts import MEDIA_READERS, SEES_ALL, AgentWork, Viewer, need
from hotline.models import Call

__all__ = ["MEDIA_READERS", "SEES_ALL", "Viewer"]
MEDIA_ROLES = frozenset({"admin", *MEDIA_READERS})  # admins always pass require_role


def viewer_of(principal) -> Viewer:
    """The viewer for an API `Principal` (or a signed-in user: anything with role and agent_id)."""
    return Viewer(role=principal.role, agent_id=principal.agent_id)


def current_viewer() -> Viewer:
    """The viewer of this request (`g.principal`, set by `require_role` or `login_required`)."""
    return viewer_of(g.principal)


# ---- the rules, one record at a time (pure) -------------------------------------------------

def may_read_ticket(viewer: Viewer, *, assignee_id: int | None, is_open: bool, category: str,
                    queues: frozenset[str]) -> bool:
    """Agents: their own tickets, and open unassigned ones in their queues (tickets says what is
    open, and turns this rule into its query: tickets.visibility)."""
    if viewer.sees_all:
        return True
    if not viewer.is_agent:
        return False
    return assignee_id == viewer.agent_id or (assignee_id is None and is_open and category in queues)


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
    return need(AgentWork).offered_call_sids(viewer.agent_id)


def queues_of(session: Session, viewer: Viewer) -> frozenset[str]:
    if not viewer.is_agent:
        return frozenset()
    return need(AgentWork).agent_queues(session, viewer.agent_id)


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


class Policy:
    """`hotline.contracts.AccessPolicy`: the rules above and the access log, for other areas."""

    current_viewer = staticmethod(current_viewer)
    may_read_call_sid = staticmethod(may_read_call_sid)
    visible_call_sids = staticmethod(visible_call_sids)
    call_clause = staticmethod(call_clause)
    call_sid_clause = staticmethod(call_sid_clause)
    may_assign = staticmethod(may_assign)
    may_read_ticket = staticmethod(may_read_ticket)
    queues_of = staticmethod(queues_of)

    def record_access(self, session: Session, kind: str, subject: str, detail: str | None = None) -> None:
        log.record_access(session, kind, subject, detail=detail)
