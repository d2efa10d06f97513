import csv
import io

from tests.support.factories import EN_SECONDS, good_call_en, good_call_zh, make_transcript, turn

COMPLAINT = "CA" + "1" * 32
LOW = "CA" + "3" * 32
GOOD = "CA" + "4" * 32


def fixture_calls(app):
    make_transcript(app, COMPLAINT, good_call_zh(), agent_id=7, queue="complaint")
    bad = [turn("agent", 1.0, "喂"), turn("caller", 3.0, "我 的 网 断 了"), turn("agent", 6.0, "不知道 不归我管")]
    make_transcript(app, LOW, bad, seconds=10.0, agent_id=8, queue="problem")
    make_transcript(app, GOOD, [t for t in good_call_en() if "refund" not in t["text"]], language="en-US",
                    seconds=EN_SECONDS, agent_id=7, queue="inquiry")


def test_only_reviewer_roles_read_transcripts_and_the_queue(app, api):
    fixture_calls(app)
    agent = api.mint("agent")
    for path in (f"/api/calls/{COMPLAINT}/transcript", "/api/qa/queue", "/api/qa/reviews", "/api/qa/search?q=x"):
        assert api.get(path, token="").status_code == 401
        assert api.get(path, token=agent).status_code == 403
        assert api.get(path, token=api.mint("qa")).status_code == 200
    assert api.post("/api/qa/reviews", {"call_sid": COMPLAINT}, token=agent).status_code == 403
    assert api.get(f"/api/calls/{'CA' + '9' * 32}/transcript").status_code == 404


def test_the_transcript_has_speaker_turns_words_and_findings(app, api):
    fixture_calls(app)
    body = api.get(f"/api/calls/{COMPLAINT}/transcript", token=api.mint("supervisor")).get_json()
    assert [t["speaker"] for t in body["turns"]][:2] == ["agent", "caller"]
    assert body["turns"][0]["words"][0] == {"w": "您好", "start": 1.0, "end": 1.36, "conf": 0.9}
    assert body["categories"] == ["complaint", "refund"] and body["review_reason"] == "complaint"
    assert body["analysis"]["compliance"]["greeting"]["passed"] is True


def test_the_queue_holds_complaints_first_then_low_scores(app, api):
    fixture_calls(app)
    queue = api.get("/api/qa/queue", token=api.mint("qa")).get_json()["calls"]
    reasons = [(c["call_sid"], c["review_reason"]) for c in queue]
    assert reasons[:2] == [(COMPLAINT, "complaint"), (LOW, "low_score")]
    assert GOOD not in [sid for sid, _ in reasons] or dict(reasons)[GOOD] == "random_sample"
    assert queue[0]["agent_id"] is None or queue[0]["score"] == 100.0


def test_saving_a_review_takes_the_call_out_of_the_queue_and_exports_as_csv(app, api):
    fixture_calls(app)
    qa = api.mint("qa", name="reviewer li")
    bad = api.post("/api/qa/reviews", {"call_sid": COMPLAINT, "answers": {"greeting": "perhaps"}}, token=qa)
    assert bad.status_code == 422 and "answers.greeting" in bad.get_json()["error"]
    missing = api.post("/api/qa/reviews", {"call_sid": "CA" + "9" * 32, "answers": {}}, token=qa)
    assert missing.status_code == 404
    answers = {"greeting": "yes", "identity": "yes", "polite": "no", "answered_fast": "na"}
    created = api.post("/api/qa/reviews", {"call_sid": COMPLAINT, "answers": answers, "comments": "道歉及时"}, token=qa)
    assert created.status_code == 201 and created.get_json()["score"] == round(100 * 20 / 35, 1)
    again = api.post("/api/qa/reviews", {"call_sid": COMPLAINT, "answers": {**answers, "polite": "yes"}}, token=qa)
    assert again.status_code == 200 and again.get_json()["score"] == 100.0
    queue = api.get("/api/qa/queue", token=qa).get_json()["calls"]
    assert COMPLAINT not in [c["call_sid"] for c in queue]
    listed = api.get("/api/qa/reviews", token=qa).get_json()["reviews"]
    assert len(listed) == 1 and listed[0]["reviewer"] == "reviewer li"
    export = api.get("/api/qa/reviews?format=csv", token=qa)
    assert export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.data.decode())))
    assert rows[0]["call_sid"] == COMPLAINT and rows[0]["score"] == "100.0" and rows[0]["polite"] == "yes"
    assert rows[0]["review_reason"] == "complaint" and rows[0]["automatic_score"] == "100.0"


def test_search_by_phrase_agent_queue_date_and_finding(app, api):
    fixture_calls(app)
    qa = api.mint("qa")

    def found(query):
        response = api.get(f"/api/qa/search?{query}", token=qa)
        assert response.status_code == 200, response.get_json()
        return {c["call_sid"] for c in response.get_json()["calls"]}

    assert found("q=提交工单") == {COMPLAINT}           # words Vosk spaced apart still match
    assert found("q=NICE%20DAY") == {GOOD}                # case-insensitive
    assert found("agent=7") == {COMPLAINT, GOOD}
    assert found("agent=7&queue=inquiry") == {GOOD}
    assert found("finding=forbidden_phrase") == {LOW}
    assert found("finding=complaint") == {COMPLAINT}
    assert found("finding=script_greeting") == {LOW}
    assert found("date=2026-11-24") == {COMPLAINT, LOW, GOOD}
    assert found("date=2026-11-25") == set()
    assert found("q=100%25") == set()                  # LIKE wildcards are literal
    assert api.get("/api/qa/search?date=yesterday", token=qa).status_code == 400
    assert api.get("/api/qa/search?agent=bob", token=qa).status_code == 400


def test_agent_and_queue_come_from_routing_events(app, api):
    from hotline import db
    from hotline.contracts import CallAnswered, CallRouted, publish

    with app.test_request_context():
        publish(CallRouted(call_sid=COMPLAINT, category="complaint", priority=1, language="zh-CN"))
        publish(CallAnswered(COMPLAINT, 42))
        db.session().commit()
    make_transcript(app, COMPLAINT, good_call_zh())
    calls = api.get("/api/qa/search?agent=42&queue=complaint").get_json()["calls"]
    assert [(c["call_sid"], c["agent_id"], c["queue"]) for c in calls] == [(COMPLAINT, 42, "complaint")]


def test_the_qa_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/calls/{call_sid}/transcript", "/api/calls/{call_sid}/recording", "/api/qa/queue",
                 "/api/qa/reviews", "/api/qa/search"):
        assert path in paths
    assert paths["/api/qa/reviews"]["post"]["x-roles"] == ["qa", "supervisor"]
