"""Revisits (one satisfaction follow-up per resolution) and their attempts; do-not-contact is messaging's."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.clock import now
from hotline.db import Base

# scheduled -> calling -> (answered | machine) -> completed, or back to scheduled for the next
# attempt; after the last call, scheduled -> texting -> sms_sent -> completed. Final states:
FINAL_STATES = frozenset({"completed", "opted_out", "expired", "cancelled"})
OPEN_STATES = frozenset({"scheduled", "calling", "answered", "machine", "texting", "sms_sent"})


class Revisit(Base):
    """The follow-up of one resolution of one ticket, with what the customer told us.

    Ticket facts (number, agent, category, language, time zone) are copied at scheduling time so
    reports group by who resolved the ticket then, even if the ticket is later reassigned.
    """

    __tablename__ = "revisits"
    __table_args__ = (
        UniqueConstraint("ticket_id", "round", name="uq_revisits_ticket_id_round"),
        Index("ix_revisits_state_due_at", "state", "due_at"),
        Index("ix_revisits_resolved_at", "resolved_at"),  # the KPI pack's closure of a period (revisits_0002)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(index=True)
    round: Mapped[int] = mapped_column(default=1)  # a ticket resolved again after reopening gets round 2
    ticket_number: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(32), index=True)
    language: Mapped[str] = mapped_column(String(10))
    timezone: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40), index=True)
    agent_id: Mapped[int | None] = mapped_column(index=True)
    salutation_zh: Mapped[str | None] = mapped_column(String(40))
    salutation_en: Mapped[str | None] = mapped_column(String(80))

    state: Mapped[str] = mapped_column(String(20), default="scheduled")
    attempts: Mapped[int] = mapped_column(default=0)  # attempts claimed so far (calls, then the SMS)
    call_attempts: Mapped[int] = mapped_column(default=3)  # calls planned before the SMS survey
    resolved_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    claim: Mapped[str | None] = mapped_column(String(32))  # which job execution holds the attempt
    call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    message_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    last_outcome: Mapped[str | None] = mapped_column(String(20))

    channel: Mapped[str | None] = mapped_column(String(10))  # call | sms: how the answer came
    solved: Mapped[bool | None]
    score: Mapped[int | None]
    transferred: Mapped[bool] = mapped_column(default=False)
    clarified: Mapped[bool] = mapped_column(default=False)
    reopened: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    attempt_log: Mapped[list["RevisitAttempt"]] = relationship(
        back_populates="revisit", order_by="RevisitAttempt.attempt", cascade="all, delete-orphan")

    def to_dict(self) -> dict:
        return {
            "id": self.id, "ticket_id": self.ticket_id, "ticket_number": self.ticket_number,
            "round": self.round, "state": self.state, "attempts": self.attempts,
            "category": self.category, "agent_id": self.agent_id, "language": self.language,
            "channel": self.channel, "solved": self.solved, "score": self.score,
            "transferred": self.transferred, "reopened": self.reopened,
            "resolved_at": self.resolved_at.isoformat(), "deadline_at": self.deadline_at.isoformat(),
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
            "attempt_log": [a.to_dict() for a in self.attempt_log],
        }


class RevisitAttempt(Base):
    """One call or SMS of a revisit; (revisit, attempt) is unique, so an attempt happens once."""

    __tablename__ = "revisit_attempts"
    __table_args__ = (UniqueConstraint("revisit_id", "attempt", name="uq_revisit_attempts_revisit_id_attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revisit_id: Mapped[int] = mapped_column(ForeignKey("revisits.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    channel: Mapped[str] = mapped_column(String(10))  # call | sms
    sid: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))  # answered, no-answer, busy, failed, machine, sent...
    answered_by: Mapped[str | None] = mapped_column(String(30))
    started_at: Mapped[datetime] = mapped_column(default=now)  # claimed
    placed_at: Mapped[datetime | None]  # dialed or texted, after the pacing slot
    ended_at: Mapped[datetime | None]

    revisit: Mapped[Revisit] = relationship(back_populates="attempt_log")

    def to_dict(self) -> dict:
        return {"attempt": self.attempt, "channel": self.channel, "sid": self.sid, "outcome": self.outcome,
                "answered_by": self.answered_by, "started_at": self.started_at.isoformat(),
                "placed_at": self.placed_at.isoformat() if self.placed_at else None,
                "ended_at": self.ended_at.isoformat() if self.ended_at else None}
