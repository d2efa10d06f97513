"""The call figures of the KPI pack from calls played through routing's webhooks (the rows routing
itself writes: routed calls, agent events, wrap-ups), across local midnight in Asia/Shanghai."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.support.twiml import twiml

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "feeds calls through the direct Dial's webhooks by hand; the KPIs do not depend on the mode")


BEFORE_MIDNIGHT = datetime(2026, 12, 2, 15, 58, tzinfo=timezone.utc)  # 23:58 on the 2nd in Shanghai


def answered_call(center, api, agent: int, talk: int, wrap_up: int) -> None:
    sid, doc = center.enter("inquiry")
    center.clock.advance(6)  # one ring and a bit
    twiml(center.post(doc.find("Dial/Client").get("url"), "CA" + sid[2:].replace("0", "f")))
    center.clock.advance(talk)
    twiml(center.post(doc.find("Dial").get("action"), sid, DialCallStatus="completed", DialCallDuration=str(talk)))
    center.clock.advance(wrap_up)
    assert api.patch(f"/api/agents/{agent}", {"status": "available"}).status_code == 200


@DIRECT_DIAL
def test_calls_on_both_sides_of_midnight(center, api):
    center.clock.set(BEFORE_MIDNIGHT)
    wang = center.agent("王芳", {"inquiry": 5}, address="client:wangfang")
    answered_call(center, api, wang, talk=60, wrap_up=30)  # the 2nd
    center.clock.set(BEFORE_MIDNIGHT + timedelta(minutes=3))  # 00:01 on the 3rd
    answered_call(center, api, wang, talk=120, wrap_up=20)
    sid, doc = center.enter("inquiry")  # rings out, then hangs up in the queue after 28 s
    center.clock.advance(18)
    doc = twiml(center.post(doc.find("Dial").get("action"), sid, DialCallStatus="no-answer"))
    center.clock.advance(10)
    twiml(center.post(doc.find("Enqueue").get("action"), sid, QueueResult="hangup"))
    center.clock.advance(hours=9)

    row = api.get("/api/metrics/kpis?from=2026-12-03&to=2026-12-03&by=day").get_json()["rows"][0]
    assert row["period"] == "2026-12-03"
    assert (row["counts"]["offered"], row["counts"]["answered"], row["counts"]["abandoned"]) == (2, 1, 1)
    figures = row["figures"]
    assert figures["answer_rate"]["value"] == 0.5 and figures["service_level"]["value"] == 0.5
    assert figures["short_abandon_rate"]["value"] == 0.0  # 28 s: past the three rings
    assert figures["average_speed_of_answer"]["value"] == 6.0
    assert figures["average_handle_time"]["value"] == 140.0  # 120 s talk + 20 s wrap-up
    assert figures["average_handle_time"]["previous"] == 90.0 and figures["average_handle_time"]["trend"] == 50.0
    assert figures["service_level"]["previous"] == 1.0
    agent = api.get("/api/metrics/kpis?from=2026-12-03&to=2026-12-03&group=agent").get_json()["rows"]
    named = {(r["agent"] or {}).get("name"): r["counts"] for r in agent}
    assert named["王芳"]["answered"] == 1 and named[None]["abandoned"] == 1
