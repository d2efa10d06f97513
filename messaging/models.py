"""The messaging area's tables: every SMS sent or received, and the do-not-contact list.

Both tables predate the area (hotline_0001 made `sms_messages`, revisits_0001 `do_not_contact`);
messaging_0001 takes them over without touching a row.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column

from hotline.clock import now
from hotline.db import Base


class SmsMessage(Base):
    """Every SMS we send or receive, with its delivery state from Twilio's status callbacks.

    Outbound rows start `pending` (stored by `messaging.send_sms`, not yet handed to the gateway),
    then take Twilio's states forward only; `suppressed` means the number opted out before the send.
    """

    __tablename__ = "sms_messages"
    __table_args__ = (
        # The conversation an inbound reply belongs to: the newest outbound message to its sender.
        Index("ix_sms_messages_to_number_id", "to_number", "id"),
        # The outbox sweep's pending messages, oldest first, a batch at a time (messaging_0003).
        Index("ix_sms_messages_pending_created_at_id", "created_at", "id",
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(10))  # inbound | outbound
    from_number: Mapped[str] = mapped_column(String(64))
    to_number: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    error_code: Mapped[str | None] = mapped_column(String(10))
    purpose: Mapped[str | None] = mapped_column(String(40), index=True)
    # The area that asked for the message: its outcome and the replies to it go back there.
    area: Mapped[str | None] = mapped_column(String(20))
    # False for staff (the supervisor's alerts): the do-not-contact list is the customers'.
    check_consent: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


class DoNotContact(Base):
    """A number that asked us to stop: no call or SMS to a customer goes to it until it says START."""

    __tablename__ = "do_not_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    keyword: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))  # sms | api | carrier
    created_at: Mapped[datetime] = mapped_column(default=now)
