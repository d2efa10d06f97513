"""GET /api/staffing on recorded arrivals: the same weekday's half hours averaged, agents by Erlang C
with the shrinkage allowance, against the agents signed in; and the plan's predicted service level
checked against routing's simulator (routing.simulation, the real reservations) on the forecast
traffic, within 3 points."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hotline import db
from routing.models import Agent, AgentEvent, RoutedCall
from routing.rules import load_rules
from routing.simulation import Scenario, SimAgent, Traffic, simulate
from tests.supervision.scenario import local

# Callers of the inquiry queue on the four Fridays before Friday 4 December (local days), per local
# half hour: 09:00 averages 40, 10:00 averages 120, 00:00 (16:00 UTC the day before) 1.
FRIDAYS = {27: {(9, 0): 40, (10, 0): 120, (0, 0): 4}, 20: {(9, 0): 44, (10, 0): 118},
           13: {(9, 0): 36, (10, 0): 122}, 6: {(9, 0): 40, (10, 0): 120}}
TALK, WRAP = 170, 10  # every answered call: a handle time of 180 s


def nov_or_dec(day: int):
    return (11, day) if day > 4 else (12, day)


@pytest.fixture
def history(app, clock):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    clock.set(local(3, 12))  # Thursday 3 December, noon
    with app.app_context():
        session = db.session()
        agents = [Agent(name=f"agent {i}", address=f"client:a{i}", skills={"inquiry": 2}, languages=["zh-CN"],
                        status="available" if i < 3 else "offline") for i in range(5)]
        session.add_all(agents)
        session.flush()
        n = 0
        # A Thursday's calls (26 November) must not enter a Friday's forecast.
        days = [(day, slots) for day, slots in FRIDAYS.items()] + [(26, {(9, 0): 500})]
        for day, slots in days:
            month, dom = nov_or_dec(day)
            for (hour, minute), calls in slots.items():
                for i in range(calls):
                    entered = datetime(2026, month, dom, hour, minute, tzinfo=zone) + timedelta(seconds=i * 1800 / calls)
                    answered = entered + timedelta(seconds=3)
                    ended = answered + timedelta(seconds=TALK)
                    n += 1
                    sid = f"CA{n:032d}"
                    agent = agents[n % 5].id
                    session.add(RoutedCall(call_sid=sid, queue="inquiry", language="zh-CN", priority=10,
                                           entered_at=entered, answered_at=answered, ended_at=ended,
                                           outcome="answered", agent_id=agent, wrap_seconds=WRAP))
                    session.add(AgentEvent(agent_id=agent, at=ended, status="wrap_up", reason="ended", call_sid=sid))
                    session.add(AgentEvent(agent_id=agent, at=ended + timedelta(seconds=WRAP), status="available",
                                           reason="wrap-up over"))
        session.commit()


def slot(plan, queue, start):
    return next(s for s in plan["queues"][queue]["slots"] if s["start"] == start)


def test_tomorrows_plan(api, history):
    response = api.get("/api/staffing")
    assert response.status_code == 200, response.get_json()
    plan = response.get_json()
    assert plan["from"] == "2026-12-04" and plan["history_days"]["2026-12-04"] == [
        "2026-11-27", "2026-11-20", "2026-11-13", "2026-11-06"]
    inquiry = plan["queues"]["inquiry"]
    assert inquiry["handle_seconds"] == 180.0 and inquiry["signed_in_now"] == 3
    assert len(inquiry["slots"]) == 48
    nine = slot(plan, "inquiry", "2026-12-04T09:00:00+08:00")
    # 40 calls of 180 s in 1800 s: 4 erlangs. Erlang C, 15 s: 6 agents 75.9 %, 7 agents 89.5 %.
    assert nine["calls"] == 40.0 and nine["traffic_erlangs"] == 4.0
    assert nine["agents_needed"] == 7 and nine["predicted_service_level"] == pytest.approx(0.8948, abs=5e-4)
    assert nine["agents_scheduled"] == 10  # 7 / (1 - 0.30 shrinkage), rounded up
    assert nine["short_of_signed_in"] == 7
    midnight = slot(plan, "inquiry", "2026-12-04T00:00:00+08:00")
    assert midnight["calls"] == 1.0 and midnight["agents_needed"] == 1  # 4 calls on one of the 4 Fridays
    quiet = slot(plan, "inquiry", "2026-12-04T03:00:00+08:00")
    assert quiet["calls"] == 0 and quiet["agents_needed"] == 0 and quiet["predicted_service_level"] is None
    # A queue with no history is planned at the targets file's handle time, with nobody needed.
    assert plan["queues"]["complaint"]["handle_seconds"] == 240.0
    assert plan["shrinkage"] == 0.3 and plan["abandon_allowance"] == 0.0 and plan["service_level_target"] == 0.8


def test_weeks_and_days(api, history):
    plan = api.get("/api/staffing?weeks=2&days=2&queue=inquiry").get_json()
    assert list(plan["queues"]) == ["inquiry"] and len(plan["queues"]["inquiry"]["slots"]) == 96
    assert slot(plan, "inquiry", "2026-12-04T09:00:00+08:00")["calls"] == 42.0  # (40 + 44) / 2
    assert plan["history_days"]["2026-12-05"] == ["2026-11-28", "2026-11-21"]
    assert api.get("/api/staffing?days=8").status_code == 400


@pytest.mark.parametrize("start", ["2026-12-04T09:00:00+08:00", "2026-12-04T10:00:00+08:00"])
def test_the_plan_against_the_routing_simulator(api, history, start):
    """The forecast half hour played as a steady stream through routing's simulator with the agents
    the plan asks for: the service level within 3 points of the plan's Erlang C prediction."""
    plan = api.get("/api/staffing?queue=inquiry").get_json()
    half_hour = slot(plan, "inquiry", start)
    agents = half_hour["agents_needed"]
    scenario = Scenario(traffic=[Traffic("inquiry", "zh-CN", half_hour["calls"] * 2)],
                        agents=[SimAgent({"inquiry": 2}, ("zh-CN",)) for _ in range(agents)],
                        handle_seconds=plan["queues"]["inquiry"]["handle_seconds"], use_wrap_up=False,
                        hours=200, seed=7)
    result = simulate(load_rules(), scenario, threshold=plan["threshold_seconds"])
    assert result.offered > 10_000 and result.abandoned == 0
    assert abs(result.service_level - half_hour["predicted_service_level"]) < 0.03, (
        result.service_level, half_hour["predicted_service_level"])
