"""Agents, their status history, and each routed call's service-level record."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.clock import now
from hotline.db import Base

# Set by people (the agent or a supervisor) and by the system, respectively.
PERSON_STATUSES = ("available", "break", "offline")
SYSTEM_STATUSES = ("reserved", "on_call", "wrap_up", "missed")
AGENT_STATUSES = PERSON_STATUSES + SYSTEM_STATUSES


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255))  # E.164, client:<identity> or sip:
    skills: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="offline")
    status_since: Mapped[datetime] = mapped_column(default=now)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    def to_dict(self, live_status: str | None = None) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "address": self.address, "skills": self.skills,
                "languages": self.languages, "status": live_status or self.status,
                "status_since": self.status_since.isoformat()}


class AgentEvent(Base):
    """Every status change of an agent, appended, never edited."""

    __tablename__ = "agent_events"
    __table_args__ = (
        Index("ix_agent_events_agent_id_at", "agent_id", "at"),
        Index("ix_agent_events_at", "at"),  # the KPI pack's wrap-ups of a period (routing_0004)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=now)
    status: Mapped[str] = mapped_column(String(20))
    previous: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40))
    call_sid: Mapped[str | None] = mapped_column(String(64))


class RoutedCall(Base):
    """One caller's way through a queue: the service-level record."""

    __tablename__ = "routed_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    queue: Mapped[str] = mapped_column(String(20), index=True)
    language: Mapped[str] = mapped_column(String(10))
    priority: Mapped[int]
    vip: Mapped[bool] = mapped_column(default=False)
    entered_at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="waiting")  # waiting, answered, abandoned
    offers: Mapped[int] = mapped_column(default=0)
    rings: Mapped[int | None]  # rings of the offer that was answered
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    abandoned_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # After-call work on this call, summed when the agent leaves each wrap-up (routing.state), so the
    # KPI pack's handle time reads one row per call instead of a period's status history (routing_0006).
    wrap_seconds: Mapped[float | None]
    # Time the caller spent on hold (conference mode), summed at each resume (routing.call_control): the
    # KPI pack's average hold time, and talk net of hold, read it here (routing_0007).
    hold_seconds: Mapped[float | None]
    callback_requested_at: Mapped[datetime | None]
    callback_number: Mapped[str | None] = mapped_column(String(64))


class Offer(Base):
    """One time a caller was rung through to an agent, and how it went."""

    __tablename__ = "routing_offers"
    __table_args__ = (
        # An agent's day on the desk: calls answered and offers missed since midnight (routing_0002).
        Index("ix_routing_offers_agent_id_answered_at", "agent_id", "answered_at"),
        Index("ix_routing_offers_agent_id_offered_at", "agent_id", "offered_at"),
        # The offers not ended (ringing or answered), a handful among a year's: the rebuild after a
        # Redis restart and the routing sweep's open conversations read them (routing_0003).
        Index("ix_routing_offers_open", "agent_id", "id", postgresql_where=text("ended_at IS NULL"),
              sqlite_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    offered_at: Mapped[datetime] = mapped_column(default=now, index=True)
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    result: Mapped[str] = mapped_column(String(20), default="ringing")  # answered, missed, canceled, expired
    leg_sid: Mapped[str | None] = mapped_column(String(64))


class Transfer(Base):
    """An agent handing a call on: cold (the agent leaves at once) or warm (the caller held while the
    agent consults the colleague, then completed, canceled or made three-way)."""

    __tablename__ = "routing_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(10))  # cold, warm
    target_kind: Mapped[str] = mapped_column(String(20))  # queue, agent, number, department
    target: Mapped[str] = mapped_column(String(255))
    from_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    to_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("routing_offers.id", ondelete="SET NULL"))
    leg_sid: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    # consulting, connected (the colleague talks with the agent), completed, canceled, three-way,
    # no-answer, caller-left, queued (cold), dialing (cold, to a number), failed
    status: Mapped[str] = mapped_column(String(20))
    by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=now)
    ended_at: Mapped[datetime | None]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "mode": self.mode, "target_kind": self.target_kind, "target": self.target,
                "from_agent_id": self.from_agent_id, "to_agent_id": self.to_agent_id, "status": self.status,
                "note": self.note, "by": self.by, "created_at": self.created_at.isoformat(),
                "ended_at": self.ended_at.isoformat() if self.ended_at else None}


class CallSegment(Base):
    """One agent's part of a call: the answered offer that began it (its answer and end are the
    segment's from and to), and the transfer that brought the call to them, if any. A call counts
    once in the service level (its routed call); its segments are how many agents it took."""

    __tablename__ = "routing_call_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("routing_offers.id", ondelete="CASCADE"), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("routing_transfers.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=now)
