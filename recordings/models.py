"""A recording Twilio made of a call, and where our copy of it is."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.clock import now
from hotline.db import Base

RECORDING_STATUS_RANK = {"in-progress": 0, "completed": 1, "absent": 1, "failed": 1}

# Our copy's life: pending (Twilio still has it) -> stored -> purged, or failed with a reason.
STORAGE_STATES = ("pending", "stored", "failed", "purged")

# Callback error codes that mean there is nothing worth downloading; retrying cannot help.
TWILIO_RECORDING_ERRORS = {
    "16101": "Twilio did not keep the recording: it was too short",
    "16102": "Twilio did not keep the recording: it was silent",
}


class Recording(Base):
    __tablename__ = "recordings"
    __table_args__ = (
        # The retention purge reads only stored copies older than the cutoff (recordings_0004).
        Index("ix_recordings_stored_at_stored", "stored_at",
              postgresql_where=text("status = 'stored'"), sqlite_where=text("status = 'stored'")),
    )

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

    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending", index=True)
    path: Mapped[str | None] = mapped_column(String(500))  # relative to RECORDINGS_DIR
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    sample_rate: Mapped[int | None]
    audio_seconds: Mapped[float | None]
    download_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # While pending: when the next attempt may start (None: now). An attempt in progress pushes it a
    # lease ahead, a retryable failure to its backoff; the sweeper re-enqueues a download once it is due.
    download_due_at: Mapped[datetime | None]
    stored_at: Mapped[datetime | None]
    deleted_at_twilio: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]

    def to_dict(self) -> dict:
        return {
            "sid": self.sid, "call_sid": self.call_sid, "source": self.source,
            "twilio_status": self.twilio_status, "twilio_error_code": self.twilio_error_code,
            "status": self.status, "failure_reason": self.failure_reason,
            "size_bytes": self.size_bytes, "sha256": self.sha256, "channels": self.channels,
            "sample_rate": self.sample_rate, "audio_seconds": self.audio_seconds,
            "stored_at": self.stored_at.isoformat() if self.stored_at else None,
        }
