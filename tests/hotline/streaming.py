"""Checks that a download is streamed: sent a line at a time as it is made, not built whole first."""
from __future__ import annotations

from tests.support.sql import Executed


def assert_streamed(response) -> list[str]:
    """The body's chunks (read from a `buffered=False` test response), after checking that it came
    as a generator: one CSV line per chunk, the header alone first. A body built whole in memory
    arrives as one chunk."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.is_streamed and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store" and "attachment" in response.headers["Content-Disposition"]
    assert "Content-Length" not in response.headers
    chunks = [chunk.decode() for chunk in response.response]
    response.close()
    assert len(chunks) > 2, chunks
    assert all(chunk.count("\n") == 1 and chunk.endswith("\n") for chunk in chunks), chunks[:3]
    return chunks


def read_with_a_server_side_cursor(seen: list[Executed], table: str) -> bool:
    """Whether a SELECT from `table` asked for its rows in batches (`yield_per`, which is a
    server-side cursor on PostgreSQL: `stream_results`)."""
    return any(sql.lstrip().upper().startswith("SELECT") and f"FROM {table}" in sql
               and options.get("yield_per") and options.get("stream_results") for sql, _, options in seen)
