"""Each figure of GET /api/metrics/kpis on the hand-checked center of tests/supervision/scenario.py,
on the database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL), across the local
midnight of 3 December in Asia/Shanghai: rows at 00:05-00:30 local (16:xx UTC on the 2nd) belong
to the 3rd, rows at 23:50 local to the 2nd."""
from __future__ import annotations

import csv
import io

import pytest

from tests.supervision.scenario import LI, WANG, build_center, local

DAY = "/api/metrics/kpis?from=2026-12-03&to=2026-12-03"


@pytest.fixture
def center(app, clock):
    assert app.config["HOTLINE_SETTINGS"].timezone == "Asia/Shanghai"
    clock.set(local(3, 12))
    build_center(app)


def values(row) -> dict:
    return {name: figure["value"] for name, figure in row["figures"].items()}


def test_the_center_on_the_3rd_against_the_2nd(api, center):
    response = api.get(DAY + "&by=day")
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert [row["period"] for row in report["rows"]] == ["2026-12-03"]
    row = report["rows"][0]
    got = values(row)
    # Calls: 7 entered on the 3rd (one still waiting, one sent to the overflow number), 3 answered (5 s,
    # 15 s, 20 s), 2 gave up (4 s: short).
    assert row["counts"]["offered"] == 7 and row["counts"]["waiting"] == 1 and row["counts"]["overflowed"] == 1
    assert got["answer_rate"] == 0.5 and got["abandon_rate"] == 0.3333 and got["short_abandon_rate"] == 0.1667
    assert got["service_level"] == 0.4  # 2 within 15 s of the 5 finished callers who stayed past 15 s
    assert got["average_speed_of_answer"] == 13.3  # (5 + 15 + 20) / 3
    assert got["average_handle_time"] == 230.0  # (300 + 200 + 100 talk + 30 + 40 + 20 wrap-up) / 3
    assert got["average_hold_time"] == 20.0  # (45 + 15 on hold, inside the talk) / 3
    # Tickets opened on the 3rd: 5, one complaint; of the 4 a call opened only 001 was resolved at the
    # first contact (002 reopened, 003 two calls and a repeat, 005 a repeat six days later).
    assert got["complaint_rate"] == 0.2 and got["first_contact_resolution"] == 0.25
    assert got["sla_response:normal"] == 0.5 and got["sla_resolution:normal"] == 1.0
    assert got["sla_response:urgent"] == 1.0 and got["sla_resolution:urgent"] == 0.0
    assert got["sla_response:routine"] == 1.0 and got["sla_resolution:routine"] == 1.0
    # Revisits completed on the 3rd: scores 5, 3, 4; resolutions of the 3rd: 2 completed of 3 ended.
    assert got["satisfaction"] == 0.6667 and got["revisit_solved"] == 1.0 and got["revisit_closure"] == 0.6667
    assert got["qa_score"] == 80.0 and got["qa_review_score"] == 60.0
    # The 2nd: 2 callers (23:50 answered after 30 s, 23:55 gave up after 20 s), one ticket resolved at once.
    previous = {name: figure["previous"] for name, figure in row["figures"].items()}
    assert previous["answer_rate"] == 0.5 and previous["service_level"] == 0.0
    assert previous["average_speed_of_answer"] == 30.0 and previous["average_handle_time"] == 70.0
    assert previous["average_hold_time"] == 0.0
    assert previous["first_contact_resolution"] == 1.0 and previous["complaint_rate"] == 0.0
    assert previous["revisit_closure"] == 1.0 and previous["satisfaction"] is None
    figures = row["figures"]
    assert figures["answer_rate"]["trend"] == 0.0 and figures["average_handle_time"]["trend"] == 160.0
    assert figures["service_level"]["trend"] == 0.4
    assert figures["satisfaction"]["trend"] is None
    # Targets from supervision/targets.yaml.
    assert figures["satisfaction"]["target"] == {"at_least": 0.9} and figures["satisfaction"]["meets"] is False
    assert figures["revisit_closure"]["target"] == {"at_least": 0.95}
    assert figures["average_speed_of_answer"]["meets"] is True
    assert figures["sla_response:urgent"]["target"] == {"at_least": 0.95}


def test_without_by_the_day_is_compared_with_the_day_before(api, center):
    report = api.get(DAY).get_json()
    assert [row["period"] for row in report["rows"]] == [None]
    figures = report["rows"][0]["figures"]
    assert figures["answer_rate"]["value"] == 0.5 and figures["answer_rate"]["previous"] == 0.5
    assert figures["abandon_rate"]["value"] == 0.3333 and figures["abandon_rate"]["previous"] == 0.5
    # Two days at once: the 2nd and 3rd together.
    both = api.get("/api/metrics/kpis?from=2026-12-02&to=2026-12-03").get_json()["rows"][0]
    assert both["counts"]["offered"] == 9 and both["figures"]["answer_rate"]["value"] == 0.5  # 4 of 8


def test_per_agent(api, center):
    rows = api.get(DAY + "&group=agent").get_json()["rows"]
    by_agent = {(row["agent"] or {}).get("id"): row for row in rows}
    assert by_agent[WANG]["agent"]["name"] == "王芳" and by_agent[LI]["agent"]["name"] == "李明"
    wang, li = values(by_agent[WANG]), values(by_agent[LI])
    assert wang["average_speed_of_answer"] == 12.5 and wang["average_handle_time"] == 225.0
    assert li["average_speed_of_answer"] == 15.0 and li["average_handle_time"] == 240.0
    assert wang["first_contact_resolution"] == 0.5 and li["first_contact_resolution"] == 0.0
    assert wang["satisfaction"] == 1.0 and li["satisfaction"] == 0.5
    assert wang["revisit_closure"] == 0.5 and li["revisit_closure"] == 1.0
    assert wang["qa_score"] == 90.0 and li["qa_score"] == 70.0 and li["qa_review_score"] == 60.0
    # Callers who gave up or wait reached no agent: their row has none.
    assert by_agent[None]["counts"]["abandoned"] == 2
    only = api.get(DAY + f"&group=agent&agent_id={LI}").get_json()["rows"]
    assert [row["agent"]["id"] for row in only] == [LI]


def test_per_queue(api, center):
    rows = {row["queue"]: values(row) for row in api.get(DAY + "&group=queue").get_json()["rows"]}
    assert rows["inquiry"]["service_level"] == 0.6667 and rows["inquiry"]["answer_rate"] == 1.0
    assert rows["complaint"]["answer_rate"] == 0.0 and rows["complaint"]["service_level"] == 0.0
    assert rows["complaint"]["complaint_rate"] == 1.0 and rows["problem"]["first_contact_resolution"] == 0.0
    assert rows["inquiry"]["first_contact_resolution"] == 1.0
    one = api.get(DAY + "&group=queue&queue=inquiry").get_json()["rows"]
    assert [row["queue"] for row in one] == ["inquiry"]


def test_by_week_and_month(api, center):
    week = api.get("/api/metrics/kpis?from=2026-12-03&to=2026-12-03&by=week").get_json()
    assert week["from"] == "2026-11-30"  # moved back to the week's Monday
    row = week["rows"][0]
    assert row["period"] == "2026-W49" and row["counts"]["offered"] == 9
    month = api.get("/api/metrics/kpis?from=2026-12-01&to=2026-12-31&by=month").get_json()
    assert [r["period"] for r in month["rows"]] == ["2026-12"] and month["rows"][0]["counts"]["opened"] == 7


def test_csv(api, center):
    response = api.get(DAY + "&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    satisfaction = next(line for line in lines if line["figure"] == "satisfaction")
    assert satisfaction["value"] == "0.6667" and satisfaction["target"] == "at_least 0.9"
    assert satisfaction["meets"] == "False" and satisfaction["period"] == "2026-12-03..2026-12-03"


@pytest.mark.parametrize("query, field", [("from=2026-12-04&to=2026-12-03", "from"), ("by=year", "by"),
                                          ("group=team", "group"), ("from=2025-01-01&to=2026-12-03", "from"),
                                          ("format=xml", "format")])
def test_bad_queries_name_the_field(api, app, query, field):
    response = api.get(f"/api/metrics/kpis?{query}")
    assert response.status_code == 400 and response.get_json()["error"].startswith(field)


def test_the_pack_costs_the_same_statements_whatever_the_rows(app, api, center):
    """Counted in SQL: one statement per area's count and range, one row per group and period, however
    many calls, tickets and revisits the period holds."""
    from datetime import timedelta

    from hotline import db
    from routing.models import RoutedCall
    from tests.conftest import StatementCount

    query = DAY + "&by=day&group=agent"
    with StatementCount() as before:
        assert api.get(query).status_code == 200
    with app.app_context():
        session = db.session()
        for i in range(200):
            session.add(RoutedCall(call_sid=f"CX{i:032d}", queue="inquiry", language="zh-CN", priority=10,
                                   entered_at=local(3, 8) + timedelta(seconds=i), agent_id=WANG,
                                   answered_at=local(3, 8) + timedelta(seconds=i + 3)))
        session.commit()
    with StatementCount() as after:
        rows = api.get(query).get_json()["rows"]
    assert after.cost() == before.cost()
    assert next(r for r in rows if (r["agent"] or {}).get("id") == WANG)["counts"]["offered"] == 202
