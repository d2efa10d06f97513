"""What revisits needs from tickets, as a narrow interface.

`app.extensions["hotline.revisit_desk"]` holds a `TicketDesk`: the tickets area's adapter
(`tickets.revisit_desk`, registered in its init_app) or, failing that, the one here that reads
`tickets.models.Ticket` directly. Revisits never writes ticket tables itself: reopening goes
through the desk, which raises the priority, records the ticket event and sends ticket_reopened.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import current_app


@dataclass(frozen=True)
class ResolvedTicket:
    id: int
    number: str  # GD + yyyymmdd + sequence
    phone: str  # E.164
    language: str  # zh-CN | en-US
    timezone: str | None  # the customer's IANA zone; None: the call center's
    category: str
    agent_id: int | None  # who resolved it
    resolved_at: datetime
    salutation_zh: str | None = None  # "王女士"
    salutation_en: str | None = None  # "Ms Wang"


class TicketDesk(Protocol):
    def resolved_ticket(self, ticket_id: int) -> ResolvedTicket | None:
        """The ticket as resolved, or None if it is unknown or no longer resolved."""

    def reopen_unsolved(self, ticket_id: int, *, note: str) -> None:
        """Reopen with raised priority and an event on the ticket; the desk commits nothing itself."""


def get_desk() -> TicketDesk:
    desk = current_app.extensions.get("hotline.revisit_desk")
    if desk is None:
        raise RuntimeError("no ticket desk: the tickets area registers app.extensions['hotline.revisit_desk']")
    return desk
