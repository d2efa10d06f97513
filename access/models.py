"""The access log: one row each time someone opens a recording, a transcript or a customer's file."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.clock import now
from hotline.db import Base

KINDS = ("recording", "transcript", "customer")


class AccessLogEntry(Base):
    """Who (actor, role, agent) opened what (kind + subject: a CallSid or a customer's E.164 number)
    when, through which door (`via`: the API or a page). Rows are only appended, and purged by age."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_at_id", "at", "id"),
        Index("ix_access_log_subject", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now)
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    agent_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(120))
    via: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(64))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor, "role": self.role,
                "agent_id": self.agent_id, "kind": self.kind, "subject": self.subject, "detail": self.detail,
                "via": self.via, "address": self.address}
