"""CSV cells a spreadsheet will not run: text starting with = + - @ (or a tab or carriage return,
which some spreadsheets skip before looking) is a formula to Excel and LibreOffice, so
`=HYPERLINK(...)` in a name or a comment would run on the reader's machine. Such cells get a
leading apostrophe, which spreadsheets show as text (OWASP's "CSV injection" advice)."""
from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
