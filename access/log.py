"""Writing the access log from the view that shows the thing (in the view's own transaction)."""
from __future__ import annotations

from flask import g, request
from sqlalchemy.orm import Session

from access.models import KINDS, AccessLogEntry
from hotline.clock import now


def record_access(session: Session, kind: str, subject: str, detail: str | None = None) -> AccessLogEntry:
    """Add who is opening `subject` now to the session; the calling view commits it with its answer,
    so a row exists for everything shown and nothing is logged for a request that failed."""
    if kind not in KINDS:
        raise ValueError(f"kind: must be one of {', '.join(KINDS)}")
    principal = g.principal
    entry = AccessLogEntry(at=now(), actor=principal.name[:120], role=principal.role, agent_id=principal.agent_id,
                           kind=kind, subject=subject[:64], detail=detail[:120] if detail else None,
                           via="api" if request.path.startswith("/api/") else "page",
                           address=(request.remote_addr or "")[:64] or None)
    session.add(entry)
    return entry
