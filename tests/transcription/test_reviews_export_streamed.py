"""The QA reviews CSV (API and page) is sent as it is read: a generator response over a
server-side cursor, not a list of every review built first."""
import csv
import io

from tests.conftest import sign_in
from tests.hotline.streaming import assert_streamed, read_with_a_server_side_cursor
from tests.support.sql import statements
from tests.support.factories import good_call_zh, make_transcript

CALLS = ["CA" + str(d) * 32 for d in range(1, 6)]


def reviewed(app, api):
    qa = api.mint("qa", name="li.qa")
    for n, sid in enumerate(CALLS):
        make_transcript(app, sid, good_call_zh(), agent_id=7, queue="complaint")
        assert api.post("/api/qa/reviews", {"call_sid": sid, "answers": {"greeting": "yes" if n % 2 else "no"},
                                            "comments": f"第{n}次"}, token=qa).status_code == 201
    return qa


def test_the_api_export_streams_from_a_server_side_cursor(app, api):
    qa = reviewed(app, api)
    with statements(app) as seen:
        response = api.get("/api/qa/reviews?format=csv", token=qa, buffered=False)
        chunks = assert_streamed(response)
    assert read_with_a_server_side_cursor(seen, "qa_reviews"), [s.sql for s in seen]
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    # Newest change first, as the JSON list; the transcript's automatic score joined in.
    assert [r["call_sid"] for r in rows] == CALLS[::-1]
    assert all(r["automatic_score"] and r["reviewer"] == "li.qa" for r in rows)
    assert [r["greeting"] for r in rows] == ["no", "yes", "no", "yes", "no"]


def test_a_filtered_export_holds_only_its_reviews(app, api):
    qa = reviewed(app, api)
    response = api.get(f"/api/qa/reviews?format=csv&call_sid={CALLS[2]}", token=qa, buffered=False)
    chunks = [c.decode() for c in response.response]
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert [r["comments"] for r in rows] == ["第2次"]


def test_the_page_export_streams_too(app, api, client, people):
    reviewed(app, api)
    people.add("wang.qa", role="qa")
    sign_in(client, "wang.qa")
    with statements(app) as seen:
        chunks = assert_streamed(client.get("/qa/reviews.csv", buffered=False))
    assert read_with_a_server_side_cursor(seen, "qa_reviews")
    assert len(chunks) == 1 + len(CALLS) and chunks[0].startswith("call_sid,reviewer,score,automatic_score")
