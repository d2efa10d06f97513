"""Ticket status self-service: the ticket number a caller typed, asked of the tickets area.

The tickets area provides `hotline.contracts.TicketStatusBook`: `lookup(number, language) ->
TicketStatus | None`, and the two ownership checks the IVR makes before it reads a status out:
`is_owner(number, caller)` (the caller's number is the one on file) and `confirms_owner(number,
last_four)` (the caller typed the last four digits of that number). `number` is always the full
ticket number ("GD" + yyyymmdd + sequence, e.g. "GD20261124007"); the IVR adds the "GD" a caller
cannot type.
"""
from __future__ import annotations

from hotline.contracts import TicketStatus, TicketStatusBook, provided, ticket_number_from_digits

__all__ = ["TicketStatus", "get_ticket_status_provider", "look_up_ticket", "ticket_number_from_digits"]


def get_ticket_status_provider() -> TicketStatusBook | None:
    return provided(TicketStatusBook)


def look_up_ticket(digits: str, language: str) -> TicketStatus | None:
    """The status of the ticket a caller typed, or None (bad digits, unknown number, no provider)."""
    number = ticket_number_from_digits(digits)
    provider = get_ticket_status_provider()
    if number is None or provider is None:
        return None
    return provider.lookup(number, language)
