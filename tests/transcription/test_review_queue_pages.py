"""GET /api/qa/queue pages by key: escalations, complaints, low scores, the random sample, then other
reasons, each oldest first; every waiting call once across the pages, reviewed ones left out."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text, update

from hotline import db
from tests.hotline.test_keyset import _cursor
from tests.support.factories import good_call_zh, make_transcript
from tests.support.sql import explain, statements
from transcription.models import Transcript

# (reason, minutes after the first call): the queue's order is by reason, then oldest first.
PLAN = [("random_sample", 0), ("complaint", 1), ("low_score", 2), ("refund", 3), ("complaint", 4),
        ("escalation", 5), ("random_sample", 6), ("low_score", 7), (None, 8), ("complaint", 9)]


def sid(n: int) -> str:
    return f"CA{n:032d}"


@pytest.fixture
def waiting(app, clock):
    start = clock.now()
    for n, (reason, minutes) in enumerate(PLAN):
        make_transcript(app, sid(n), good_call_zh())
        with app.app_context():
            db.session().execute(update(Transcript).where(Transcript.call_sid == sid(n))
                                 .values(review_reason=reason, created_at=start + timedelta(minutes=minutes)))
            db.session().commit()
    rank = {"escalation": 0, "complaint": 1, "low_score": 2, "random_sample": 3, "refund": 4}
    order = sorted((n for n, (reason, _) in enumerate(PLAN) if reason), key=lambda n: (rank[PLAN[n][0]], PLAN[n][1]))
    return [sid(n) for n in order]


def walk(api, url: str) -> tuple[list[str], int]:
    seen, pages = [], 0
    while url:
        body = api.get(url).get_json()
        assert body["calls"] or pages == 0, "no empty page after a full one"
        seen += [c["call_sid"] for c in body["calls"]]
        url, pages = body["next_url"], pages + 1
    return seen, pages


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 9, 200])
def test_every_waiting_call_once_by_reason_then_oldest_first(api, waiting, limit):
    seen, pages = walk(api, f"/api/qa/queue?limit={limit}")
    assert seen == waiting and pages == -(-len(waiting) // limit)


def test_the_first_page_is_the_workspace_queue_and_reviewed_calls_leave_it(app, api, waiting):
    assert [c["call_sid"] for c in api.get("/api/qa/queue").get_json()["calls"]] == waiting
    qa = api.mint("qa")
    first = api.get("/api/qa/queue?limit=3", token=qa).get_json()
    # Reviewing a call of the page already read does not shift the next page.
    assert api.post("/api/qa/reviews", {"call_sid": waiting[0], "answers": {}}, token=qa).status_code == 201
    rest, _ = walk(api, first["next_url"])
    assert [c["call_sid"] for c in first["calls"]] + rest == waiting
    assert walk(api, "/api/qa/queue?limit=4")[0] == waiting[1:]


def test_counts_exact_or_estimated_and_foreign_cursors(api, waiting):
    body = api.get("/api/qa/queue?limit=2&count=true").get_json()
    assert body["total"] == len(waiting) and body["total_estimated"] is False
    body = api.get("/api/qa/queue?limit=2&count=estimate").get_json()  # few rows: counted exactly
    assert body["total"] == len(waiting) and body["total_estimated"] is False
    assert "total" not in api.get("/api/qa/queue?limit=2").get_json()
    for cursor in ("nonsense", _cursor("tickets", "2026-11-24T08:00:00+00:00", 1),
                   _cursor("qa-queue.complaint", "yesterday", 1)):
        response = api.get(f"/api/qa/queue?after={cursor}")
        assert response.status_code == 400 and response.get_json()["error"].startswith("after:")
    assert api.get("/api/qa/queue?count=maybe").status_code == 400


def test_a_page_is_one_statement(app, api, waiting):
    counts = []
    url = "/api/qa/queue?limit=2"
    while url:
        with statements(app) as seen:
            body = api.get(url).get_json()
        counts.append(len([s for s, *_ in seen if "FROM transcripts" in s]))
        url = body["next_url"]
    # The waiting calls found by ids, sorted by reason and read in one statement, on every page.
    assert counts == [1] * 5


def test_on_postgresql_a_page_walks_the_queue_rank_index_without_a_sort(app, api, waiting, settings):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the plan is PostgreSQL's")
    with app.app_context():
        session = db.session()
        # 20,000 more done transcripts, a tenth of them waiting, copied from the fixture's first call.
        for table, changes in (("recordings", "'sid', 'RE' || g, 'call_sid', 'CQ' || g"),
                               ("transcripts", "'recording_id', (SELECT max(id) FROM recordings) - 20000 + g, "
                                               "'call_sid', 'CQ' || g, 'review_reason', CASE WHEN g % 10 = 0 THEN "
                                               "(ARRAY['complaint', 'low_score', 'random_sample'])[1 + g % 3] END, "
                                               "'created_at', now() - g * interval '1 minute'")):
            session.execute(text(
                f"INSERT INTO {table} SELECT (jsonb_populate_record(NULL::{table}, to_jsonb(t) || jsonb_build_object("
                f"'id', (SELECT max(id) FROM {table}) + g, {changes}))).* "
                f"FROM (SELECT * FROM {table} ORDER BY id LIMIT 1) t, generate_series(1, 20000) g"))
        session.execute(text("ANALYZE transcripts"))
        session.commit()
    with statements(app) as seen:
        first = api.get("/api/qa/queue?limit=50").get_json()
    assert len(first["calls"]) == 50 and first["calls"][0]["call_sid"] == waiting[0]  # the one escalation
    sql, parameters, _ = next(s for s in seen if "FROM transcripts" in s.sql)
    plan = explain(app, sql, parameters)
    assert "ix_transcripts_queue_rank" in plan and "Sort" not in plan and "Seq Scan on transcripts" not in plan, plan
