"""The one error ticket operations raise for a value a ticket cannot take."""
from __future__ import annotations


class TicketInputError(ValueError):
    """A value a ticket cannot take; `field` names it for the API's 422."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
