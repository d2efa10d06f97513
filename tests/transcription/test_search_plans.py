"""A word's search walks the done transcripts newest first (ix_transcripts_done_newest) for at most
WALK_BUDGET rows and reads its page by id; when the budget runs out before the page is full (a rare
word, or none), the full search answers. Both give the same calls in the same order, on either
database; on PostgreSQL the walk is an index scan without a sort (issue 14: a phrase in one call of
six was a bitmap scan of all its matches and a sort of them)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from hotline import db
from tests.support.factories import make_transcript, turn
from tests.support.sql import explain, statements


def _sid(n: int) -> str:
    return f"CA{n:032d}"


TEXTS = ["我 想 申请 退款", "请问 账单 什么 时候 出", "退款 退款 还是 退款 我 要 投诉", "律师 说 这个 合同 有 问题",
         "我 要 去 消费者 协会 投诉"]


@pytest.fixture
def history(app, clock) -> list[str]:
    """Fifteen calls a minute apart, texts in turn, with agents 7 and 8 and two queues; newest last."""
    sids = []
    for n in range(15):
        make_transcript(app, _sid(n), [turn("caller", 1.0, TEXTS[n % len(TEXTS)])], agent_id=7 + n % 2,
                        queue=("inquiry", "complaint")[n % 3 == 0])
        sids.append(_sid(n))
        clock.advance(60)
    return sids


def _pages(api, **params) -> tuple[list[list[str]], list[int]]:
    """Every page of a search, following `next`, and the statements over transcripts each page ran."""
    token = api.mint("qa")
    pages, reads, after = [], [], None
    while True:
        with statements(api.client.application) as seen:
            response = api.get("/api/qa/search", query_string={**params, **({"after": after} if after else {})},
                               token=token)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append([c["call_sid"] for c in body["calls"]])
        reads.append(len([s for s, *_ in seen if "transcripts" in s and "sqlite_master" not in s]))
        after = body.get("next")
        if not after:
            return pages, reads


SEARCHES = [dict(q="退款", limit=2), dict(q="退款", limit=2, sort="newest"), dict(q="投诉", limit=1, sort="newest"),
            dict(q="退款", limit=2, agent=7), dict(q="投诉", limit=1, sort="newest", queue="complaint"),
            dict(q="退款", limit=1, finding="complaint", sort="newest"), dict(q="\"消费者 协会\"", limit=1)]


def test_the_walk_and_the_full_search_give_the_same_pages(app, api, history, monkeypatch):
    from transcription import search

    monkeypatch.setattr(search, "RANK_WINDOW", 3)  # so that relevance's newest matches fit the walk here
    walked = {i: _pages(api, **params) for i, params in enumerate(SEARCHES)}
    monkeypatch.setattr(search, "WALK_BUDGET", 0)
    full = {i: _pages(api, **params) for i, params in enumerate(SEARCHES)}

    for i, params in enumerate(SEARCHES):
        (walked_pages, walked_reads), (full_pages, full_reads) = walked[i], full[i]
        assert walked_pages == full_pages, params
        assert sum(map(len, walked_pages)) > 0, params
        assert set(full_reads) == {3}, params  # the walk (nothing found), the word index, the page
        # The first page of each comes from the walk: the walk and the page, the word index not asked.
        assert walked_reads[0] == 2, params

    monkeypatch.setattr(search, "WALK_BUDGET", 10_000)
    pages, reads = _pages(api, q="退款", limit=1, sort="newest")
    assert [sid for page in pages for sid in page] == [_sid(n) for n in (12, 10, 7, 5, 2, 0)]
    assert reads == [2] * 5 + [3]  # the last page is not full: the full search confirms it


def test_a_rare_word_beyond_the_budget_is_still_found(app, api, clock, monkeypatch):
    from transcription import search

    make_transcript(app, _sid(100), [turn("caller", 1.0, "我 已经 发 了 律师函")])  # the oldest
    clock.advance(60)
    make_transcript(app, _sid(101), [turn("caller", 1.0, "律师 说 这个 合同 有 问题")])
    for n in range(102, 108):
        clock.advance(60)
        make_transcript(app, _sid(n), [turn("caller", 1.0, "请问 账单 什么 时候 出")])
    monkeypatch.setattr(search, "WALK_BUDGET", 3)  # the walk sees only the three newest calls
    token = api.mint("qa")
    for params in (dict(q="律师"), dict(q="律师", sort="newest"), dict(q="律师", sort="newest", limit=1)):
        found, after = [], None
        while True:
            body = api.get("/api/qa/search", query_string={**params, **({"after": after} if after else {})},
                           token=token).get_json()
            found += [c["call_sid"] for c in body["calls"]]
            if not (after := body.get("next")):
                break
        if params.get("sort") == "newest":
            assert found == [_sid(101), _sid(100)], params
        else:  # by relevance: both, in the rank's order
            assert sorted(found) == [_sid(100), _sid(101)], params
    assert api.get("/api/qa/search", query_string={"q": "xylophonist"}, token=token).get_json()["calls"] == []


def _copy(session, table: str, changes: str, count: int) -> None:
    """`count` rows copied from the table's first, with `changes` (jsonb_build_object pairs; g counts)."""
    session.execute(text(
        f"INSERT INTO {table} SELECT (jsonb_populate_record(NULL::{table}, to_jsonb(t) || jsonb_build_object("
        f"'id', (SELECT max(id) FROM {table}) + g, {changes}))).* "
        f"FROM (SELECT * FROM {table} ORDER BY id LIMIT 1) t, generate_series(1, {count}) g"))


def test_on_postgresql_a_common_word_walks_the_index_and_a_rare_one_falls_back(app, api, settings, clock):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the plan is PostgreSQL's")
    make_transcript(app, _sid(1), [turn("caller", 1.0, "我 想 申请 退款")])
    make_transcript(app, _sid(2), [turn("caller", 1.0, "请问 账单 什么 时候 出")])
    clock.advance(60)
    make_transcript(app, _sid(3), [turn("caller", 1.0, "律师 说 这个 合同 有 问题")])
    with app.app_context():
        session = db.session()
        # 30,000 earlier done calls, one in five saying 退款 (vectors copied from the first two calls);
        # the one saying 律师 is made older than all of them, beyond the walk's budget.
        session.execute(text("UPDATE transcripts SET created_at = created_at - interval '60 days' "
                             f"WHERE call_sid = '{_sid(3)}'"))
        _copy(session, "recordings", "'sid', 'RE' || g, 'call_sid', 'CQ' || g", 30_000)
        _copy(session, "transcripts",
              "'recording_id', (SELECT max(id) FROM recordings) - 30000 + g, 'call_sid', 'CQ' || g, "
              "'created_at', now() - g * interval '1 minute', 'search_vector', (SELECT search_vector FROM "
              f"transcripts WHERE call_sid = CASE WHEN g % 5 = 0 THEN '{_sid(1)}' ELSE '{_sid(2)}' END)", 30_000)
        session.execute(text("ANALYZE transcripts"))
        session.commit()

    with statements(app) as seen:
        common = api.get("/api/qa/search?q=退款", token=api.mint("qa")).get_json()
    assert len(common["calls"]) == 100 and common["next"]
    walk = [(sql, parameters) for sql, parameters, _ in seen if "walked" in sql]
    assert len(walk) == 1 and not [sql for sql, *_ in seen if "transcripts.status = " in sql and "LIMIT" in sql
                                   and "walked" not in sql and "ts_rank_cd" not in sql]  # no word-index read
    plan = explain(app, *walk[0])
    assert "Index Scan Backward using ix_transcripts_done_newest" in plan and "Sort" not in plan, plan

    rare = api.get("/api/qa/search?q=律师", token=api.mint("qa")).get_json()
    assert [c["call_sid"] for c in rare["calls"]] == [_sid(3)]
