"""count=estimate: exact up to keyset.ESTIMATE_ABOVE rows, PostgreSQL's planner estimate above it
(flagged `total_estimated`), so a count never reads more than a bounded number of rows; SQLite and
count=true always count exactly."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from hotline import db
from hotline.api import keyset
from tests.support.sql import statements
from tests.hotline.test_keyset import add_tickets


@pytest.fixture
def many(app, clock, monkeypatch):
    monkeypatch.setattr(keyset, "ESTIMATE_ABOVE", 40)
    add_tickets(app, clock, 300, "A")
    with app.app_context():
        if db.session().get_bind().dialect.name == "postgresql":
            db.session().execute(text("ANALYZE tickets"))
            db.session().commit()


def test_an_estimate_is_flagged_and_bounded(app, api, many, settings):
    with statements(app) as seen:
        body = api.get("/api/tickets?per_page=5&count=estimate").get_json()
    counts = [sql for sql, *_ in seen if "count(" in sql.lower()]
    assert len(counts) == 1
    if settings.database_url.startswith("postgresql"):
        assert "LIMIT" in counts[0]  # reads at most ESTIMATE_ABOVE + 1 rows
        assert body["total_estimated"] is True and 41 <= body["total"] <= 3000, body["total"]
        assert any(sql.startswith("EXPLAIN") for sql, *_ in seen)
    else:
        assert body["total_estimated"] is False and body["total"] == 300


def test_few_rows_and_count_true_are_exact(app, api, many):
    exact = api.get("/api/tickets?per_page=5&count=true").get_json()
    assert exact["total"] == 300 and exact["total_estimated"] is False
    narrow = api.get("/api/tickets?per_page=5&count=estimate&from=2000-01-01&to=2000-01-02").get_json()
    assert narrow["total"] == 0 and narrow["total_estimated"] is False
    assert "total" not in api.get("/api/tickets?per_page=5").get_json()


@pytest.mark.parametrize("path", ["/api/tickets", "/api/access-log", "/api/revisits", "/api/qa/reviews",
                                  "/api/qa/queue", "/api/users", "/api/agents"])
def test_every_counted_list_takes_estimate_and_refuses_other_words(api, path):
    body = api.get(f"{path}?count=estimate").get_json()
    assert body["total"] == sum(len(v) for v in body.values() if isinstance(v, list))
    assert body["total_estimated"] is False
    response = api.get(f"{path}?count=perhaps")
    assert response.status_code == 400 and response.get_json()["error"].startswith("count:")
