"""Customers (identified by phone number), their tickets, each ticket's history and calls."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.clock import now
from hotline.db import Base

CATEGORIES = ("inquiry", "problem", "complaint", "suggestion", "urgent", "aftersales")

# Partial index conditions (tickets_0004); they must match the queries' own conditions
# (tickets.transitions.OPEN_STATUSES, tickets.sweep.WATCHED) for the planner to use them.
_OPEN = "status IN ('new', 'assigned', 'in_progress', 'reopened')"
_RESPONSE_WATCHED = text(f"{_OPEN} AND response_sla IN ('pending', 'at_risk') AND first_response_at IS NULL")
_RESOLUTION_WATCHED = text(f"{_OPEN} AND resolution_sla IN ('pending', 'at_risk')")
_PLAN_WATCHED = text(f"{_OPEN} AND plan_sla IN ('pending', 'at_risk')")  # tickets_0005
_CALLBACKS = text(f"{_OPEN} AND callback_requested IS true")  # tickets_0006
_HANDOFF_WATCHED = text(f"{_OPEN} AND handoff_sla IN ('pending', 'at_risk')")  # tickets_0007
_REPLY_WATCHED = text(f"{_OPEN} AND reply_sla IN ('pending', 'at_risk')")  # tickets_0007
_FOLLOW_UP_PENDING = text("follow_up_notice = 'pending'")  # tickets_0009_loop


class Customer(Base):
    """A caller we know. Greeted by title and surname only ("王女士", "Ms Wang"), never more."""

    __tablename__ = "customers"
    __table_args__ = (Index("ux_customers_customer_number", "customer_number", unique=True),)  # tickets_0008

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)  # E.164
    name: Mapped[str | None] = mapped_column(String(120))
    surname: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(10))  # "mr" | "ms"
    customer_number: Mapped[str | None] = mapped_column(String(40))  # C + yyyymm + sequence (tickets.customer_file)
    language: Mapped[str | None] = mapped_column(String(10))  # zh-CN | en-US
    timezone: Mapped[str | None] = mapped_column(String(40))
    vip: Mapped[bool] = mapped_column(default=False)
    contact_time: Mapped[str | None] = mapped_column(String(60))  # when they like to be called: "09:00-12:00", "工作日晚上"
    identity_confirmed_at: Mapped[datetime | None]  # an agent confirmed who the caller is (核实身份)
    identity_confirmed_by: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


class CustomerCounter(Base):
    """The last customer number handed out in one local month; bumped atomically per new number."""

    __tablename__ = "customer_counters"

    month: Mapped[str] = mapped_column(String(6), primary_key=True)  # yyyymm
    last: Mapped[int] = mapped_column(default=0)


class CustomerEvent(Base):
    """One change to a customer's file (who, when, each field before and after); only ever appended
    (the manuals: 不得篡改客户信息)."""

    __tablename__ = "customer_events"
    __table_args__ = (Index("ix_customer_events_customer_id_id", "customer_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=now)
    actor: Mapped[str] = mapped_column(String(60))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # field -> [before, after]


class TicketCounter(Base):
    """The last sequence number handed out on one local day; bumped atomically per new ticket."""

    __tablename__ = "ticket_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Ticket(Base):
    """One case: GD number, category, priority and its SLA clock, who works it, where it stands.

    `version` is bumped by every write; an UPDATE that finds another version changes nothing and
    raises StaleDataError, so two agents editing at once never silently overwrite each other.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_customer_id_category", "customer_id", "category"),
        Index("ix_tickets_status_created_at", "status", "created_at"),
        # The ticket list's order and its filters (GET /api/tickets), see tickets_0004.
        Index("ix_tickets_created_at_id", "created_at", "id"),
        Index("ix_tickets_category_created_at", "category", "created_at"),
        Index("ix_tickets_priority_created_at", "priority", "created_at"),
        Index("ix_tickets_assignee_id_created_at", "assignee_id", "created_at"),
        Index("ix_tickets_customer_id_created_at", "customer_id", "created_at"),
        Index("ix_tickets_breached_created_at", "created_at", "id",
              postgresql_where=text("breached IS true"), sqlite_where=text("breached IS true")),
        # The SLA sweep's candidates only.
        Index("ix_tickets_response_due_watched", "response_due",
              postgresql_where=_RESPONSE_WATCHED, sqlite_where=_RESPONSE_WATCHED),
        Index("ix_tickets_resolution_due_watched", "resolution_due",
              postgresql_where=_RESOLUTION_WATCHED, sqlite_where=_RESOLUTION_WATCHED),
        Index("ix_tickets_plan_due_watched", "plan_due",
              postgresql_where=_PLAN_WATCHED, sqlite_where=_PLAN_WATCHED),
        # The callback list (GET /api/callbacks): the few open tickets that owe a call back.
        Index("ix_tickets_callbacks", "created_at", "id", postgresql_where=_CALLBACKS, sqlite_where=_CALLBACKS),
        # The SLA sweep's departments' clocks (tickets.handoff): the few tickets handed over and due.
        Index("ix_tickets_handoff_due_watched", "handoff_due",
              postgresql_where=_HANDOFF_WATCHED, sqlite_where=_HANDOFF_WATCHED),
        Index("ix_tickets_reply_due_watched", "reply_due",
              postgresql_where=_REPLY_WATCHED, sqlite_where=_REPLY_WATCHED),
        # The sweep's routed calls still waiting for the "we will contact you" decision (tickets.follow_up).
        Index("ix_tickets_follow_up_pending", "created_at",
              postgresql_where=_FOLLOW_UP_PENDING, sqlite_where=_FOLLOW_UP_PENDING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    category: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10))
    department: Mapped[str | None] = mapped_column(String(60))  # a key of tickets/departments.yaml
    # What the field held before departments were a file (tickets_0007), when it named no department.
    department_note: Mapped[str | None] = mapped_column(String(60))
    assignee_id: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="new")
    channel: Mapped[str] = mapped_column(String(12), default="phone")  # phone | voicemail | api
    language: Mapped[str] = mapped_column(String(10), default="zh-CN")
    callback_requested: Mapped[bool] = mapped_column(default=False)
    waiting_customer: Mapped[bool] = mapped_column(default=False)
    paused_since: Mapped[datetime | None]
    paused_seconds: Mapped[int] = mapped_column(default=0)
    response_due: Mapped[datetime]
    resolution_due: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    response_sla: Mapped[str] = mapped_column(String(10), default="pending")
    resolution_sla: Mapped[str] = mapped_column(String(10), default="pending")
    breached: Mapped[bool] = mapped_column(default=False)
    # Escalation (tickets.escalation): tier 1 is the first line, 2 a specialist group working to a
    # plan clock; plan_sla is None until the ticket is escalated.
    tier: Mapped[int] = mapped_column(default=1, server_default="1")
    escalated_group: Mapped[str | None] = mapped_column(String(40))
    escalated_at: Mapped[datetime | None]
    plan_due: Mapped[datetime | None]
    plan_at: Mapped[datetime | None]
    plan_sla: Mapped[str | None] = mapped_column(String(10))
    # Handed to a department (tickets.handoff): it takes the ticket in hand by handoff_due and replies
    # by reply_due; the *_sla columns are None until the ticket is handed over.
    handed_off_at: Mapped[datetime | None]
    handoff_due: Mapped[datetime | None]
    handoff_sla: Mapped[str | None] = mapped_column(String(10))
    department_ack_at: Mapped[datetime | None]
    reply_due: Mapped[datetime | None]
    reply_sla: Mapped[str | None] = mapped_column(String(10))
    department_reply_at: Mapped[datetime | None]
    # "We will contact you by ..." (the `created` SMS) for a ticket a routed call opened: `pending`
    # until the call's outcome is known, then `sent` or `not_needed` (solved on the call); None for
    # tickets that were texted on opening or never are (tickets.follow_up).
    follow_up_notice: Mapped[str | None] = mapped_column(String(12))
    created_by: Mapped[str] = mapped_column(String(60), default="system")
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    version: Mapped[int] = mapped_column(default=1)

    customer: Mapped[Customer | None] = relationship()
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan")
    calls: Mapped[list["TicketCall"]] = relationship(
        back_populates="ticket", order_by="TicketCall.id")

    __mapper_args__ = {"version_id_col": version}


class TicketEvent(Base):
    """One change to a ticket (who, when, what); rows are only ever appended."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_ticket_id_id", "ticket_id", "id"),
        # One agent's status events since midnight: the desk's "tickets resolved today".
        Index("ix_ticket_events_actor_kind_at", "actor", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=now)
    actor: Mapped[str] = mapped_column(String(60))  # "agent:7", "supervisor:王", "system", "caller"
    kind: Mapped[str] = mapped_column(String(40), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "actor": self.actor, "kind": self.kind, "data": self.data}


class TicketCall(Base):
    """A call filed on a ticket; a call is on exactly one ticket (agents may move it)."""

    __tablename__ = "ticket_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    attached_at: Mapped[datetime] = mapped_column(default=now)
    attached_by: Mapped[str] = mapped_column(String(60), default="system")
    reason: Mapped[str] = mapped_column(String(20))  # new_ticket | same_issue | status_call | moved | voicemail

    ticket: Mapped[Ticket] = relationship(back_populates="calls")


class NightLog(Base):
    """The night-shift log as it was when the night ended (tickets.night_handover), kept for the day's
    first supervisor to acknowledge: who and when, for every later supervisor to see."""

    __tablename__ = "night_logs"  # tickets_0010

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)  # the local day whose opening ended the night
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    report: Mapped[dict[str, Any]] = mapped_column(JSON)  # tickets.night_log.build's log
    produced_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))  # the supervisor's name
