"""The service-level report, checked by hand on four callers."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from routing.service_level import CallRecord, summarise
from tests.support.twiml import twiml

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "feeds the hand-checked morning through the direct Dial's webhooks; the report counts a conference "
    "call once: tests/routing/test_transfers.py (done-when)")


T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def test_summary_rules():
    calls = [CallRecord("inquiry", T0, T0 + timedelta(seconds=6), None, "wang"),
             CallRecord("inquiry", T0, T0 + timedelta(seconds=23), None, "li"),
             CallRecord("inquiry", T0, None, T0 + timedelta(seconds=10)),
             CallRecord("inquiry", T0, None, T0 + timedelta(seconds=40)),
             CallRecord("inquiry", T0, None, None)]
    report = summarise(calls, {"wang": 1}, 18, T0 + timedelta(seconds=50))
    assert report["offered"] == 5 and report["answered"] == 2 and report["abandoned"] == 2
    assert report["waiting"] == 1
    assert report["service_level"] == round(1 / 3, 4)  # short abandon and the waiting caller left out
    assert report["average_speed_of_answer_seconds"] == 14.5
    assert report["longest_wait_seconds"] == 50  # the caller still waiting
    assert summarise([], {}, 18, T0)["service_level"] is None


@DIRECT_DIAL
def test_report_for_a_hand_checked_morning(center, api):
    wang = center.agent("wang", {"inquiry": 5})
    li = center.agent("li", {"inquiry": 3})
    # A: wang answers after one ring.
    a, doc = center.enter("inquiry")
    center.clock.advance(6)
    twiml(center.post(doc.find("Dial/Client").get("url"), "CA" + "a" * 32))
    center.clock.advance(60)
    twiml(center.post(doc.find("Dial").get("action"), a, DialCallStatus="completed", DialCallDuration="60"))
    api.patch(f"/api/agents/{wang}", {"status": "available"})  # ready before wrap-up ends
    # B: wang lets it ring out, li answers 5 s later: 20 s in all (three 5 s rings, then one).
    b, doc = center.enter("inquiry")
    assert doc.find("Dial/Client").text == "wang"
    center.clock.advance(15)
    doc = twiml(center.post(doc.find("Dial").get("action"), b, DialCallStatus="no-answer"))
    assert doc.find("Dial/Client").text == "li"
    center.clock.advance(5)
    twiml(center.post(doc.find("Dial/Client").get("url"), "CA" + "b" * 32))
    # C hangs up after 10 s in the queue, D after 40 s.
    c, doc = center.enter("inquiry")
    center.clock.advance(10)
    twiml(center.post(doc.find("Enqueue").get("action"), c, QueueResult="hangup"))
    d, doc = center.enter("inquiry")
    center.clock.advance(40)
    twiml(center.post(doc.find("Enqueue").get("action"), d, QueueResult="hangup"))

    report = api.get("/api/metrics/service-level").get_json()
    assert (report["offered"], report["answered"], report["abandoned"]) == (4, 2, 2)
    assert report["abandoned_within_threshold"] == 1
    assert report["answered_within_threshold"] == 1
    assert report["service_level"] == round(1 / 3, 4)
    assert report["threshold_seconds"] == 15
    assert report["average_speed_of_answer_seconds"] == 13
    assert report["longest_wait_seconds"] == 40
    assert report["missed_offers_per_agent"] == {"wang": 1}
    assert report["answered_per_agent"] == {"wang": 1, "li": 1}
    assert report["queues"]["inquiry"]["offered"] == 4
    other = api.get("/api/metrics/service-level?queue=complaint").get_json()
    assert other["offered"] == 0 and other["missed_offers_per_agent"] == {}
    assert center.agent_status(li) == "on_call"


def test_report_period_must_make_sense(api):
    assert api.get("/api/metrics/service-level?from=yesterday").status_code == 400
    assert api.get("/api/metrics/service-level?from=2026-11-24T00:00:00&to=2026-11-23T00:00:00").status_code == 400
    assert api.get("/api/metrics/service-level", token=api.mint("agent")).status_code == 403
