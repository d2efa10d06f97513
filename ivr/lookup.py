"""Ticket status self-service: what the IVR reads out, and the interface the tickets area provides.

The tickets area registers an object at `app.extensions["hotline.ticket_status"]` with
`lookup(number, language) -> TicketStatus | None`, and the two ownership checks the IVR makes
before it reads a status out: `is_owner(number, caller)` (the caller's number is the one on file)
and `confirms_owner(number, last_four)` (the caller typed the last four digits of that number). `number` is always the full ticket number
("GD" + yyyymmdd + sequence, e.g. "GD20261124007"); the IVR adds the "GD" a caller cannot type.
`language` is "zh-CN" or "en-US": the text fields come back ready to be spoken in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from flask import current_app

TICKET_PREFIX = "GD"


@dataclass(frozen=True)
class TicketStatus:
    """One ticket as a caller may hear it: nothing private (no names, numbers or notes).

    number: the full ticket number, "GD20261124007".
    status: the machine status ("open", "in_progress", "waiting_customer", "resolved", "closed").
    status_text: that status as a phrase in the caller's language ("正在处理中", "being worked on").
    promised_at: when the caller was promised a response or solution (aware UTC), None when met.
    last_update_at: when the ticket last changed (aware UTC).
    last_update_text: what happened last, in the caller's language, speakable as is
        ("技术部门已完成检测", "our engineers finished the check"); empty when nothing to add.
    """

    number: str
    status: str
    status_text: str
    promised_at: datetime | None
    last_update_at: datetime | None
    last_update_text: str = ""


@runtime_checkable
class TicketStatusProvider(Protocol):
    def lookup(self, number: str, language: str) -> TicketStatus | None:
        """The ticket with this full number in `language`, or None when there is no such ticket."""

    def is_owner(self, number: str, caller: str) -> bool:
        """Whether `caller` (Twilio's From, any form) is the phone number of the ticket's customer."""

    def confirms_owner(self, number: str, last_four: str) -> bool:
        """Whether `last_four` are the last four digits of the phone number on the ticket (False when
        the ticket has no customer number)."""


def ticket_number_from_digits(digits: str) -> str | None:
    """The full ticket number for what a caller typed ("20261124007" -> "GD20261124007").

    A GD number is yyyymmdd + a sequence of at least one digit, so anything shorter than nine
    digits (or with other characters) cannot be one and is refused without a lookup.
    """
    digits = digits.strip()
    if len(digits) < 9 or not digits.isdigit():
        return None
    return TICKET_PREFIX + digits


def get_ticket_status_provider() -> TicketStatusProvider | None:
    return current_app.extensions.get("hotline.ticket_status")


def look_up_ticket(digits: str, language: str) -> TicketStatus | None:
    """The status of the ticket a caller typed, or None (bad digits, unknown number, no provider)."""
    number = ticket_number_from_digits(digits)
    provider = get_ticket_status_provider()
    if number is None or provider is None:
        return None
    return provider.lookup(number, language)
