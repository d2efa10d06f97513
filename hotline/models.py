"""The shared records: calls with their event history and API tokens (SMS: messaging.models)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.clock import now
from hotline.db import Base

# Forward order of a call's life. A callback may only move a call to a later rank, so a late
# `ringing` can never reopen a `completed` call.
CALL_STATUS_RANK = {
    "queued": 0,
    "initiated": 1,
    "ringing": 2,
    "in-progress": 3,
    "completed": 4,
    "busy": 4,
    "no-answer": 4,
    "failed": 4,
    "canceled": 4,
}
FINAL_CALL_STATUSES = frozenset(s for s, rank in CALL_STATUS_RANK.items() if rank == 4)


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        # A caller's calls newest first: the screen pop's last contacts and the customer lookup.
        Index("ix_calls_from_number_created_at", "from_number", "created_at"),
        Index("ix_calls_to_number_created_at", "to_number", "created_at"),
        # The calls received in a period (the night-shift log, GET /api/reports/night; hotline_0005).
        Index("ix_calls_direction_created_at", "direction", "created_at"),
        # The reconciliation sweep's due calls, earliest first (hotline.reconcile; hotline_0004).
        Index("ix_calls_reconcile_at", "reconcile_at", "id", postgresql_where=text("reconcile_at IS NOT NULL"),
              sqlite_where=text("reconcile_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    parent_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(20), default="inbound")
    from_number: Mapped[str] = mapped_column(String(64), default="")
    to_number: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(20), default="ringing")
    language: Mapped[str | None] = mapped_column(String(10))
    duration_seconds: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
    # Set once `call_ended` reached every receiver; hotline.voice replays the announcement until then.
    end_announced_at: Mapped[datetime | None]
    # When to ask Twilio what its callbacks may not have told us (the call's status, its recordings);
    # None once Twilio has nothing more to tell. hotline.reconcile.
    reconcile_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    events: Mapped[list["CallEvent"]] = relationship(
        back_populates="call", order_by="[CallEvent.at, CallEvent.id]", cascade="all, delete-orphan"
    )

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_CALL_STATUSES

    def to_dict(self, with_events: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "sid": self.sid,
            "parent_sid": self.parent_sid,
            "direction": self.direction,
            "from": self.from_number,
            "to": self.to_number,
            "status": self.status,
            "language": self.language,
            "duration_seconds": self.duration_seconds,
            "created_at": self.created_at.isoformat(),
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
        }
        if with_events:
            data["events"] = [e.to_dict() for e in self.events]
        return data


class CallEvent(Base):
    """One step in a call's life; rows are only ever appended."""

    __tablename__ = "call_events"
    __table_args__ = (Index("ix_call_events_call_id_id", "call_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=now)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    call: Mapped[Call] = relationship(back_populates="events")

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "kind": self.kind, "data": self.data}


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
