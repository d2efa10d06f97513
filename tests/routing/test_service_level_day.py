""""Today" on the supervisor page and in /api/metrics/service-level is the call center's day
(TIMEZONE), including its first hours, which are still yesterday in UTC."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import sign_in
from tests.support.twiml import twiml

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "feeds calls through the direct Dial's webhooks by hand; the day boundary does not depend on the mode")


EARLY = datetime(2026, 11, 23, 16, 30, tzinfo=timezone.utc)  # Tuesday 24 Nov, 00:30 in Shanghai


@DIRECT_DIAL
def test_the_first_hours_of_a_shanghai_day_count_as_today(center, api, client, people):
    center.clock.set(EARLY)
    wang = center.agent("wang", {"inquiry": 5})
    for _ in range(4):  # answered after one ring, talked a minute, ready again
        sid, doc = center.enter("inquiry")
        center.clock.advance(6)
        twiml(center.post(doc.find("Dial/Client").get("url"), "CA" + sid[2:].replace("0", "f")))
        center.clock.advance(60)
        twiml(center.post(doc.find("Dial").get("action"), sid, DialCallStatus="completed", DialCallDuration="60"))
        api.patch(f"/api/agents/{wang}", {"status": "available"})
    sid, doc = center.enter("inquiry")  # the fifth rings out and hangs up in the queue
    center.clock.advance(18)
    doc = twiml(center.post(doc.find("Dial").get("action"), sid, DialCallStatus="no-answer"))
    center.clock.advance(10)
    twiml(center.post(doc.find("Enqueue").get("action"), sid, QueueResult="hangup"))
    center.clock.set(EARLY + timedelta(hours=9))  # 09:30 in Shanghai, 01:30 in UTC

    report = api.get("/api/metrics/service-level").get_json()
    assert (report["offered"], report["answered"], report["abandoned"]) == (5, 4, 1)
    assert report["from"] == "2026-11-24T00:00:00+08:00"
    # The same day asked for in words, with its bounds written in Shanghai time or in UTC.
    for query in ("from=2026-11-24T00:00:00%2B08:00&to=2026-11-25T00:00:00%2B08:00",
                  "from=2026-11-24&to=2026-11-25", "from=2026-11-23T16:00:00Z&to=2026-11-24T16:00:00Z"):
        assert api.get(f"/api/metrics/service-level?{query}").get_json()["offered"] == 5, query
    assert api.get("/api/metrics/service-level?from=2026-11-23&to=2026-11-24").get_json()["offered"] == 0

    people.add("lead", role="supervisor")
    sign_in(client, "lead")
    live = client.get("/supervisor/live.json").get_json()
    assert (live["tiles"]["offered"], live["tiles"]["answered"]) == (5, 4)
    assert live["as_of"] == "2026-11-24 09:30:00"  # the center's clock, not UTC's 01:30
    assert "2026-11-24 09:30:00" in client.get("/supervisor").get_data(as_text=True)
    center.clock.advance(hours=15)  # 00:30 the next Shanghai day: a new day begins empty
    assert client.get("/supervisor/live.json").get_json()["tiles"]["offered"] == 0
