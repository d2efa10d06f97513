from datetime import datetime, timezone

from revisits.satisfaction import Answer, summarise


def answer(agent, category, day, solved, score):
    return Answer(agent, category, datetime(2026, 11, day, 4, tzinfo=timezone.utc), solved, score, "call")


def test_csat_and_fcr_by_agent():
    answers = [answer(7, "problem", 24, True, 5), answer(7, "problem", 24, False, 2),
               answer(7, "inquiry", 25, True, 4), answer(8, "complaint", 25, None, 3)]
    rows, total = summarise(answers, "agent", "Asia/Shanghai")
    by = {r["group"]: r for r in rows}
    assert by["7"]["csat_percent"] == 66.7 and by["7"]["fcr_percent"] == 66.7 and by["7"]["not_solved"] == 1
    assert by["8"]["csat_percent"] == 0.0 and by["8"]["fcr_percent"] is None
    assert total["surveys"] == 4 and total["mean_score"] == 3.5


def test_periods_use_the_center_time_zone():
    late = Answer(1, "problem", datetime(2026, 11, 30, 17, tzinfo=timezone.utc), True, 5, "sms")  # 12-01 01:00 local
    rows, _ = summarise([late], "month", "Asia/Shanghai")
    assert rows[0]["group"] == "2026-12"
    rows, _ = summarise([late], "week", "Asia/Shanghai")
    assert rows[0]["group"] == "2026-W49"
