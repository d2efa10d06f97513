"""Turning data into words a caller hears: titles and ticket numbers, in both languages (times:
hotline.local_time.spoken)."""
from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, **values: str) -> str:
    """Put values into {placeholders}; unknown ones stay as written rather than break a call."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def address(surname: str | None, title: str | None, language: str) -> str | None:
    """How to greet a known caller: title and surname only ("王女士", "Ms Wang"), never more.

    None when we cannot do it politely: no title, or a surname the English voice cannot read.
    """
    surname = (surname or "").strip()
    title = (title or "").strip().lower()
    if title not in ("mr", "ms") or not surname:
        return None
    if language == "zh-CN":
        return surname + ("先生" if title == "mr" else "女士")
    if not surname.isascii():
        return None
    return f"{'Mr' if title == 'mr' else 'Ms'} {surname}"


def spell_ticket_number(number: str) -> str:
    """ "GD20261124007" -> "G D 2 0 2 6 1 1 2 4 0 0 7": read one character at a time."""
    return " ".join(number)
