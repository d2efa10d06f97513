"""The database's tallies give the report `summarise` gives by hand, on callers at the edges of the
threshold, in two queues, with an agent removed and callers still waiting."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hotline import db
from hotline.clock import now
from routing.models import Agent, Offer, RoutedCall
from routing.service_level import CallRecord, summarise
from routing.service_level_api import service_level_report

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)

# (queue, seconds to answer or None, seconds to hang up or None, agent)
CALLERS = [
    ("inquiry", 0, None, "wang"), ("inquiry", 6, None, "wang"), ("inquiry", 15, None, "li"),
    ("inquiry", 15.001, None, "li"), ("inquiry", 23.5, None, "gone"), ("inquiry", None, 15, None),
    ("inquiry", None, 15.2, None), ("inquiry", None, None, None), ("complaint", 3.25, None, "li"),
    ("complaint", None, 4, None), ("complaint", 40, None, "wang"), ("complaint", None, None, None),
]


@pytest.fixture
def routed(app, clock):
    clock.set(T0 + timedelta(minutes=30))
    with app.app_context():
        session = db.session()
        agents = {name: Agent(name=name, address=f"client:{name}", skills={"inquiry": 1}, languages=["zh-CN"])
                  for name in ("wang", "li", "gone")}
        session.add_all(agents.values())
        session.flush()
        records = []
        for i, (queue, answer, hang_up, agent) in enumerate(CALLERS):
            entered = T0 + timedelta(minutes=i, microseconds=250_000)
            answered = entered + timedelta(seconds=answer) if answer is not None else None
            abandoned = entered + timedelta(seconds=hang_up) if hang_up is not None else None
            session.add(RoutedCall(call_sid=f"CA{i:032d}", queue=queue, language="zh-CN", priority=5,
                                   entered_at=entered, answered_at=answered, abandoned_at=abandoned,
                                   agent_id=agents[agent].id if agent else None))
            records.append(CallRecord(queue, entered, answered, abandoned, agent))
            if i % 3 == 0:
                session.add(Offer(call_sid=f"CA{i:032d}", agent_id=agents["wang"].id, offered_at=entered,
                                  result="missed"))
        session.commit()
        session.delete(agents["gone"])  # its answered call stays, with no agent
        session.commit()
        records = [r if r.agent != "gone" else CallRecord(r.queue, r.entered_at, r.answered_at, r.abandoned_at)
                   for r in records]
    return records


def test_the_database_counts_as_the_rules_do(app, routed):
    with app.app_context():
        threshold = app.config["HOTLINE_SETTINGS"].ring_timeout_seconds
        assert threshold == 15  # three 5 s rings: the edges above sit on it
        report = service_level_report(T0, T0 + timedelta(hours=1))
        expected = summarise(routed, {"wang": 4}, threshold, now())
        assert {k: report[k] for k in expected} == expected
        assert report["answered_within_threshold"] == 4 and report["abandoned_within_threshold"] == 2
        assert report["answered_per_agent"] == {"wang": 3, "li": 3, "?": 1}
        for queue in ("inquiry", "complaint"):
            part = summarise([r for r in routed if r.queue == queue], {}, threshold, now())
            part.pop("missed_offers_per_agent")
            assert report["queues"][queue] == part
        one = service_level_report(T0, T0 + timedelta(hours=1), "complaint")
        assert one["offered"] == 4 and one["missed_offers_per_agent"] == {"wang": 1}
        assert one["queues"].keys() == {"complaint"}
