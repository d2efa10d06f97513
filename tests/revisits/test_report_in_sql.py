"""The satisfaction report counts in the database and gives what the in-memory definition gives,
on both backends, across clock changes and zones; its CSV is streamed."""
import random
from datetime import datetime, timedelta, timezone

import pytest

from hotline import db
from revisits.models import Revisit
from revisits.reports import satisfaction_report
from revisits.satisfaction import Answer, summarise
from tests.hotline.streaming import assert_streamed

UTC = timezone.utc


def add_revisits(app, count: int, seed: int, start: datetime, days: int) -> list[Answer]:
    rng = random.Random(seed)
    answers = []
    with app.app_context():
        session = db.session()
        for i in range(count):
            # Some land a second either side of local midnights and of the clock changes.
            at = start + timedelta(seconds=rng.randrange(days * 86400))
            if i % 7 == 0:
                at = at.replace(minute=0, second=0, microsecond=0) + timedelta(seconds=rng.choice((-1, 0, 1)))
            agent = rng.choice((None, 3, 7, 12))
            category = rng.choice(("problem", "inquiry", "complaint"))
            solved = rng.choice((None, True, False))
            score = rng.choice((None, 1, 2, 3, 4, 5))
            state = "completed" if i % 11 else "scheduled"
            session.add(Revisit(ticket_id=i + 1, ticket_number=f"T{i}", phone="+8613800000000", language="zh-CN",
                                timezone="Asia/Shanghai", category=category, agent_id=agent, state=state,
                                resolved_at=at - timedelta(days=1), deadline_at=at + timedelta(days=2),
                                solved=solved, score=score, channel="call", completed_at=at))
            if state == "completed":
                answers.append(Answer(agent, category, at, solved, score, "call"))
        session.commit()
    return answers


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kathmandu"])
def test_every_grouping_matches_the_definition_in_memory(app, zone):
    start = datetime(2026, 2, 20, tzinfo=UTC)  # a year over both of New York's clock changes
    answers = add_revisits(app, 600, seed=len(zone), start=start, days=400)
    begin, end = start + timedelta(days=3, hours=5), start + timedelta(days=390)
    inside = [a for a in answers if begin <= a.completed_at < end]
    with app.app_context():
        for by in ("agent", "category", "day", "week", "month"):
            report = satisfaction_report(db.session(), start=begin, end=end, by=by, timezone=zone)
            rows, total = summarise(inside, by, zone)
            assert (report["rows"], report["total"]) == (rows, total), by
        only = satisfaction_report(db.session(), start=begin, end=end, by="day", timezone=zone, agent_id=7,
                                   category="problem")
        assert (only["rows"], only["total"]) == summarise(
            [a for a in inside if a.agent_id == 7 and a.category == "problem"], "day", zone)


def test_the_report_reads_groups_not_revisits(app):
    """One statement, and what comes back is one row per group, however many revisits."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    add_revisits(app, 300, seed=1, start=start, days=60)
    fetched = []
    with app.app_context():
        session = db.session()
        engine = session.get_bind()

        from sqlalchemy import event

        def count_rows(conn, cursor, statement, parameters, context, executemany):
            fetched.append(statement)

        event.listen(engine, "after_cursor_execute", count_rows)
        try:
            report = satisfaction_report(session, start=start, end=start + timedelta(days=60), by="month")
        finally:
            event.remove(engine, "after_cursor_execute", count_rows)
    assert len(fetched) == 1 and "GROUP BY" in fetched[0] and "count(" in fetched[0].lower()
    assert [r["group"] for r in report["rows"]] == ["2026-01", "2026-02", "2026-03"]
    assert report["total"]["surveys"] == sum(r["surveys"] for r in report["rows"]) > 200


def test_the_csv_is_a_streamed_response(app, api):
    add_revisits(app, 50, seed=2, start=datetime(2026, 11, 1, tzinfo=UTC), days=20)
    response = api.get("/api/reports/satisfaction?by=day&from=2026-11-01&to=2026-11-30&format=csv", buffered=False)
    lines = assert_streamed(response)
    assert lines[0] == "group,surveys,scored,csat_percent,mean_score,answered_solved,fcr_percent,not_solved\r\n"
    assert lines[-1].startswith("total,")
