"""The IVR's own tables: each call's outcome in the menu, kept as its steps are settled."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base

NAME_LENGTH = 64  # queue, category and node names are cut to this (menu names are far shorter)


class IvrCall(Base):
    """What a call did in the menu, folded from its "incoming"/"ivr" steps (`ivr.outcome`). Whether
    it ended is the call's status, read with the report: a dropped call is only known once it ends."""

    __tablename__ = "ivr_calls"

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    # The call's created_at, copied when steps are written: the IVR report's period (ivr.report_query).
    started_at: Mapped[datetime] = mapped_column(index=True)
    queue: Mapped[str | None] = mapped_column(String(NAME_LENGTH))  # the first queue it left for
    category: Mapped[str | None] = mapped_column(String(NAME_LENGTH))  # the need chosen on the way there
    voicemail: Mapped[bool] = mapped_column(default=False)
    served: Mapped[bool] = mapped_column(default=False)  # heard a status or information and was done
    ticket_found: Mapped[bool] = mapped_column(default=False)  # served if it then hung up
    last_node: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")


class IvrMiss(Base):
    """Wrong keys, silences and unknown ticket numbers of a call, per menu node."""

    __tablename__ = "ivr_misses"

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    node: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    misses: Mapped[int]
