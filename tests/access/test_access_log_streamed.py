"""The access log CSV is streamed: a row per chunk as it is read, and the rows are read by key in
batches of CSV_BATCH, so the worker holds one batch whatever the length of the log."""
from __future__ import annotations

import access.api
from tests.access.test_access_log import _add_entries
from tests.hotline.streaming import assert_streamed
from tests.support.sql import statements


def test_the_csv_is_read_in_keyset_batches_while_it_is_sent(app, api, clock, monkeypatch):
    monkeypatch.setattr(access.api, "CSV_BATCH", 4)
    _add_entries(app, clock, 10)
    with statements(app) as seen:
        chunks = assert_streamed(api.get("/api/access-log.csv?kind=recording", buffered=False))
    assert len(chunks) == 1 + 10
    reads = [sql for sql, *_ in seen if "FROM access_log" in sql]
    # 4 + 4 + 2 rows (a short batch is the last); every batch after the first starts after the last key.
    assert len(reads) == 3 and all("LIMIT" in sql for sql in reads)
    assert all("(access_log.at, access_log.id) >" in sql for sql in reads[1:])
