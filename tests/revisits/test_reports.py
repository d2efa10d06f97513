import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from hotline import db
from revisits.states import move

UTC = timezone.utc


@pytest.fixture
def answered(app, revisits, clock):
    clock.set(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    plan = [(1, 7, "problem", True, 5), (2, 7, "problem", False, 2), (3, 7, "inquiry", True, 4),
            (4, 8, "complaint", True, 3), (5, 8, "complaint", None, None)]
    with app.app_context():
        for ticket, agent, category, solved, score in plan:
            revisit = revisits.resolve(agent_id=agent, category=category)
            move(db.session(), revisit.id, ("scheduled",), "completed", solved=solved, score=score, channel="call",
                 completed_at=clock.now() + timedelta(hours=2))
        revisits.resolve(agent_id=9)  # not surveyed yet: not counted


def test_satisfaction_by_agent(api, answered):
    response = api.get("/api/reports/satisfaction?by=agent&from=2026-11-24&to=2026-11-24")
    assert response.status_code == 200
    body = response.get_json()
    rows = {r["group"]: r for r in body["rows"]}
    assert set(rows) == {"7", "8"}
    assert rows["7"]["csat_percent"] == 66.7 and rows["7"]["fcr_percent"] == 66.7 and rows["7"]["not_solved"] == 1
    assert rows["8"]["surveys"] == 2 and rows["8"]["scored"] == 1 and rows["8"]["csat_percent"] == 0.0
    assert body["total"]["surveys"] == 5 and body["total"]["mean_score"] == 3.5


def test_satisfaction_by_category_as_csv(api, answered):
    response = api.get("/api/reports/satisfaction?by=category&from=2026-11-24&to=2026-11-24&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert [r["group"] for r in rows] == ["complaint", "inquiry", "problem", "total"]
    assert rows[2]["fcr_percent"] == "50.0"


def test_a_period_outside_the_answers_is_empty(api, answered):
    body = api.get("/api/reports/satisfaction?by=day&from=2026-11-01&to=2026-11-02").get_json()
    assert body["rows"] == [] and body["total"]["surveys"] == 0


def test_supervisors_may_read_it_and_agents_may_not(api, answered):
    supervisor, agent = api.mint("supervisor"), api.mint("agent", agent_id=7)
    assert api.get("/api/reports/satisfaction", token=supervisor).status_code == 200
    assert api.get("/api/reports/satisfaction", token=agent).status_code == 403
    assert api.get("/api/reports/satisfaction", token="").status_code == 401


@pytest.mark.parametrize("query", ["by=colour", "from=yesterday", "from=2026-11-24&to=2026-11-01"])
def test_a_bad_query_gets_a_clear_400(api, query):
    response = api.get(f"/api/reports/satisfaction?{query}")
    assert response.status_code == 400 and response.get_json()["error"]
