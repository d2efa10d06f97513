"""A recording Twilio made of a call, and where our copy of it is."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.clock import now
from hotline.db import Base

RECORDING_STATUS_RANK = {"in-progress": 0, "completed": 1, "absent": 1, "failed": 1}


class Recording(Base):
    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str | None] = mapped_column(String(40))  # DialVerb, RecordVerb...
    twilio_status: Mapped[str] = mapped_column(String(20), default="in-progress")
    twilio_url: Mapped[str | None] = mapped_column(String(500))
    twilio_error_code: Mapped[str | None] = mapped_column(String(10))
    duration_seconds: Mapped[int | None]
    channels: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    failure_reason: Mapped[str | None] = mapped_column(Text)
