"""Words and phrases in transcripts, on the database under test (PostgreSQL tsvector or SQLite FTS5)."""
from tests.support.factories import good_call_en, make_transcript, turn

LAWYER = "CA" + "a" * 32
REFUND = "CA" + "b" * 32
BRIDGE = "CA" + "c" * 32
LETTER = "CA" + "d" * 32
ASSOCIATION = "CA" + "e" * 32
REFUNDS = "CA" + "f" * 32
ENGLISH = "CA" + "9" * 32


def calls(app):
    make_transcript(app, LAWYER, [turn("caller", 1.0, "我 要 找 律 师 处理")])
    make_transcript(app, REFUND, [turn("caller", 1.0, "我 想 申请 退款")])
    make_transcript(app, BRIDGE, [turn("caller", 1.0, "南京市 长江 大桥 很 堵")])
    make_transcript(app, LETTER, [turn("caller", 1.0, "我 已经 发 了 律师函")])
    make_transcript(app, ASSOCIATION, [turn("caller", 1.0, "我 要 去 消费者 协会 投诉")])
    make_transcript(app, REFUNDS, [turn("caller", 1.0, "退款 退款 还是 退款"), turn("agent", 3.0, "好的 退款")])
    make_transcript(app, ENGLISH, good_call_en(), language="en-US")


def found(api, query, **params):
    response = api.get("/api/qa/search", query_string={"q": query, **params}, token=api.mint("qa"))
    assert response.status_code == 200, response.get_json()
    return [c["call_sid"] for c in response.get_json()["calls"]]


def test_two_character_words_are_found_inside_longer_words_too(app, api):
    calls(app)
    assert set(found(api, "律师")) == {LAWYER, LETTER}
    assert set(found(api, "退款")) == {REFUND, REFUNDS}


def test_a_word_only_straddling_two_words_is_no_hit(app, api):
    calls(app)
    assert found(api, "市长") == []           # 南京市 / 长江大桥: the old substring search found it
    assert found(api, "长江") == [BRIDGE]


def test_phrases_need_their_words_in_order(app, api):
    calls(app)
    assert found(api, "消费者协会") == [ASSOCIATION]
    assert found(api, '"消费者 协会"') == [ASSOCIATION]
    assert found(api, '"协会 消费者"') == []
    assert found(api, "消费者 投诉") == [ASSOCIATION]     # two words anywhere
    assert found(api, "消费者 律师") == []


def test_english_words_are_stemmed(app, api):
    calls(app)
    assert found(api, "refunds") == [ENGLISH]
    assert found(api, "cancelling orders") == [ENGLISH]
    assert found(api, '"nice day"') == [ENGLISH]
    assert found(api, '"day nice"') == []


def test_more_mentions_rank_first_and_newest_is_on_request(app, api, clock):
    make_transcript(app, REFUNDS, [turn("caller", 1.0, "退款 退款 还是 退款"), turn("agent", 3.0, "好的 退款")])
    clock.advance(60)
    make_transcript(app, REFUND, [turn("caller", 1.0, "我 想 申请 退款")])
    assert found(api, "退款") == [REFUNDS, REFUND]
    assert found(api, "退款", sort="newest") == [REFUND, REFUNDS]


def test_pages_follow_the_cursor_without_repeats(app, api, clock):
    from transcription import search

    sids = []
    for i in range(5):
        sid = f"CA{i:032d}"
        make_transcript(app, sid, [turn("caller", 1.0, " ".join(["退款"] * (1 + i % 2)))])
        sids.append(sid)
        clock.advance(60)
    for sort in ("relevance", "newest"):
        seen = []
        with app.app_context():
            page = search.search_page("退款", sort=sort, limit=2)
            while True:
                seen += [t.call_sid for t, _ in page.rows]
                if not page.next_cursor:
                    break
                page = search.search_page("退款", sort=sort, limit=2, cursor=page.next_cursor)
        assert sorted(seen) == sorted(sids) and len(seen) == 5, sort
    response = api.get("/api/qa/search?q=退款", token=api.mint("qa")).get_json()
    assert len(response["calls"]) == 5 and response["next"] is None


def test_the_index_follows_a_rewritten_text_in_the_same_transaction(app, api):
    from hotline import db
    from transcription.models import Transcript

    calls(app)
    with app.app_context():
        transcript = db.session().query(Transcript).filter_by(call_sid=BRIDGE).one()
        transcript.text = "caller: 我 要 找 律师"
        db.session().rollback()
    assert found(api, "律师") != [] and BRIDGE not in found(api, "律师")
    with app.app_context():
        transcript = db.session().query(Transcript).filter_by(call_sid=BRIDGE).one()
        transcript.text = "caller: 我 要 找 律师"
        db.session().commit()
    assert BRIDGE in found(api, "律师") and found(api, "长江") == []


def test_a_bad_cursor_or_sort_is_a_400(app, api):
    qa = api.mint("qa")
    import base64
    import json

    def forged(values):
        return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()

    assert api.get("/api/qa/search?q=x&after=zzz", token=qa).status_code == 400
    for sort, values in (("relevance", ["relevance", "high", 1]), ("newest", ["newest", 5, 1]),
                         ("newest", ["newest", "2026-11-24T00:00:00+00:00", "x"]),
                         ("newest", ["relevance", 1.0, 1])):
        assert api.get("/api/qa/search", query_string={"q": "x", "sort": sort, "after": forged(values)},
                       token=qa).status_code == 400, values
    assert api.get("/api/qa/search?q=x&sort=oldest", token=qa).status_code == 400


def test_relevance_ranks_the_newest_matches_and_newest_pages_through_all(app, api, clock, monkeypatch):
    from transcription import search

    make_transcript(app, REFUNDS, [turn("caller", 1.0, "退款 退款 还是 退款")])
    clock.advance(60)
    make_transcript(app, REFUND, [turn("caller", 1.0, "我 想 申请 退款")])
    monkeypatch.setattr(search, "RANK_WINDOW", 1)
    assert found(api, "退款") == [REFUND]
    assert found(api, "退款", sort="newest") == [REFUND, REFUNDS]


def test_rare_and_common_words_give_the_same_calls(app, api, clock, monkeypatch):
    from transcription import search

    calls(app)
    rare = {sort: found(api, "退款", sort=sort) for sort in ("relevance", "newest")}
    monkeypatch.setattr(search, "RARE_WORD_CAP", 1)   # every word counts as common: the other path
    assert {sort: found(api, "退款", sort=sort) for sort in ("relevance", "newest")} == rare
    assert set(rare["newest"]) == {REFUND, REFUNDS}
