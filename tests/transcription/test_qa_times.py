"""The QA pages, search and export read times on the call center's clock (TIMEZONE), not UTC's."""
import csv
import io
from datetime import datetime, timezone

from tests.conftest import sign_in
from tests.support.factories import good_call_zh, make_transcript

CALL = "CA" + "3" * 32
EARLY = datetime(2026, 11, 23, 17, 5, tzinfo=timezone.utc)  # 24 Nov, 01:05 in Shanghai; UTC says the 23rd


def test_a_call_at_one_in_the_morning_is_on_the_shanghai_day(app, api, client, people, clock):
    clock.set(EARLY)
    make_transcript(app, CALL, good_call_zh(), agent_id=5, queue="complaint")
    people.add("wang.qa", role="qa")
    sign_in(client, "wang.qa")
    assert "<td>2026-11-24 01:05</td>" in client.get("/qa/").get_data(as_text=True)
    assert "<td>2026-11-24</td>" in client.get("/qa/?date=2026-11-24").get_data(as_text=True)

    qa = api.mint("qa", name="reviewer li")

    def found(day):
        return [c["call_sid"] for c in api.get(f"/api/qa/search?date={day}", token=qa).get_json()["calls"]]

    assert found("2026-11-24") == [CALL] and found("2026-11-23") == []
    answers = {"greeting": "yes", "identity": "yes", "polite": "yes", "answered_fast": "na"}
    assert api.post("/api/qa/reviews", {"call_sid": CALL, "answers": answers}, token=qa).status_code == 201
    rows = list(csv.DictReader(io.StringIO(api.get("/api/qa/reviews?format=csv", token=qa).get_data(as_text=True))))
    assert rows[0]["reviewed_at"] == "2026-11-24T01:05:00+08:00"  # the center's clock, still one instant
