"""Turning data into words a caller hears: ticket numbers and placeholders, in both languages (times:
hotline.local_time.spoken; titles: the customers' owner's `hotline.contracts.Salutations`)."""
from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, **values: str) -> str:
    """Put values into {placeholders}; unknown ones stay as written rather than break a call."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def spell_ticket_number(number: str) -> str:
    """ "GD20261124007" -> "G D 2 0 2 6 1 1 2 4 0 0 7": read one character at a time."""
    return " ".join(number)
