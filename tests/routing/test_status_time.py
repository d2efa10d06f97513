"""Each agent's time per status in a period (CallFloor.status_seconds, the scorecard's adherence),
counted in SQL from the status changes: the status at the period's start is the agent's last change
before it, however long ago."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hotline import db
from hotline.contracts import CallFloor, need
from routing.models import AgentEvent
from tests.support.sql import statements

DAY = datetime(2026, 12, 1, tzinfo=timezone.utc)


def changes(app, agent_id: int, *at_status: tuple[datetime, str]) -> None:
    with app.app_context():
        session = db.session()
        for at, status in at_status:
            session.add(AgentEvent(agent_id=agent_id, at=at, status=status, reason="test"))
        session.commit()


def seconds(app, start: datetime, end: datetime) -> dict[int, dict[str, float]]:
    with app.app_context():
        return need(CallFloor).status_seconds(db.session(), start, end)


def test_a_status_set_a_week_before_the_period_counts_from_its_start(app, center, clock):
    clock.set(DAY + timedelta(days=2))
    alice, bob, carol = (center.agent(name, {"inquiry": 4}) for name in ("alice", "bob", "carol"))
    with app.app_context():  # the sign-ins the fixture recorded are not this test's history
        db.session().query(AgentEvent).delete()
        db.session().commit()
    # alice signed in a week ago and took an hour's break on the 1st; bob went offline a week ago
    # and came back at 20:00; carol's only change is after the period.
    changes(app, alice, (DAY - timedelta(days=7), "available"), (DAY + timedelta(hours=10), "break"),
            (DAY + timedelta(hours=11), "available"))
    changes(app, bob, (DAY - timedelta(days=7), "offline"), (DAY + timedelta(hours=20), "available"))
    changes(app, carol, (DAY + timedelta(days=1, hours=1), "available"))
    found = seconds(app, DAY, DAY + timedelta(days=1))
    assert found[alice] == {"available": 23 * 3600.0, "break": 3600.0}
    assert found[bob] == {"offline": 20 * 3600.0, "available": 4 * 3600.0}
    assert carol not in found


def test_the_lookup_before_the_period_is_one_statement_whatever_the_agents(app, center, clock):
    clock.set(DAY + timedelta(days=2))
    agents = [center.agent(f"agent{n}", {"inquiry": 4}) for n in range(6)]
    for n, agent in enumerate(agents):
        changes(app, agent, (DAY - timedelta(days=n + 1), "available"))
    with statements(app) as seen:
        found = seconds(app, DAY, DAY + timedelta(days=1))
    assert all(found[a] == {"available": 86400.0} for a in agents)
    assert len([s for s in seen if "agent_events" in s.sql]) == 1
