"""The reports a supervisor reads (issue 18 item 3) on the hand-checked center of scenario.py: the
daily summary, the weekly report, the monthly scorecard under the manuals' four headings (page and
CSV), the staffing page (the vendored chart library: tests/hotline/test_vendored_assets.py)."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest

from hotline import db
from tests.conftest import sign_in
from tests.supervision.scenario import LI, WANG, build_center, local



@pytest.fixture
def center(app, clock, people, client):
    clock.set(local(3, 12))
    build_center(app)
    from routing.models import AgentEvent, Offer

    with app.app_context():
        session = db.session()
        # 王芳 takes an hour's break mid-morning; 李明 lets one offer ring out and signs out at 11:00.
        session.add(AgentEvent(agent_id=WANG, at=local(3, 10), status="break", previous="available", reason="break"))
        session.add(AgentEvent(agent_id=WANG, at=local(3, 11), status="available", previous="break", reason="back"))
        session.add(AgentEvent(agent_id=LI, at=local(3, 11), status="offline", previous="available",
                               reason="signed out"))
        session.add(Offer(call_sid="CA02", agent_id=LI, offered_at=local(3, 9) + timedelta(seconds=1),
                          result="missed"))
        session.commit()
    people.add("lead", role="supervisor", language="en-US")
    sign_in(client, "lead")


def cells(html: str, agent: int) -> dict[str, str]:
    row = re.search(rf'<tr data-agent="{agent}".*?</tr>', html, re.S).group(0)
    return {column: re.sub(r"<[^>]+>", " ", text).split()[0]
            for column, text in re.findall(r'data-column="([a-z_]+)"[^>]*>(.*?)</td>', row, re.S)}


def test_the_monthly_scorecard_by_hand(client, center):
    html = client.get("/supervisor/scorecard?month=2026-12").get_data(as_text=True)
    assert [h for h in re.findall(r'data-heading="([a-z.]+)">([^<]+)<', html)] == [
        ("score.quality", "Quality"), ("score.attitude", "Attitude"), ("score.efficiency", "Efficiency"),
        ("score.satisfaction", "Satisfaction")]
    assert re.search(rf'<tr data-agent="{WANG}"[^>]*><td class="name">王芳</td>', html)
    wang, li = cells(html, WANG), cells(html, LI)
    # 王芳: CA07 (the 2nd, 30 s to answer, 60 s talk, 10 s wrap-up), CA01 (5 s, 300 s, 30 s), CA03 (20 s,
    # 100 s, 20 s): 3 answered, ASA 55/3 = 18.3 s, AHT 520/3 = 173.3 s, 1 of 3 within 15 s.
    assert (wang["answered"], wang["average_speed_of_answer"], wang["average_handle_time"]) == ("3", "0:18", "2:53")
    assert wang["service_level"] == "33.3%" and wang["missed_offers"] == "0"
    # Signed in from her first status change (the 2nd 23:50:30) to noon: 12:09:30; an hour of it on a break.
    assert wang["adherence"] == "91.8%"  # 11:09:30 / 12:09:30
    assert "11:09:30 / 12:09:30" in html
    # QA 90 on CA01 (CA03's transcript failed); one survey, 5 of 5: satisfied.
    assert (wang["qa_score"], wang["qa_review_score"], wang["satisfaction"], wang["scored"]) == ("90.0", "—", "100.0%", "1")
    # Tickets opened in December assigned to her: 001 and 202001 resolved at the first contact, 003 not.
    assert wang["first_contact_resolution"] == "66.7%"
    # 李明: CA02 at exactly three rings (15 s), 200 s talk and 40 s wrap-up; one offer rang out; signed
    # in from 09:00:15 to 11:00 (offline after does not count); surveys 3 and 4 of 5.
    assert (li["answered"], li["average_speed_of_answer"], li["average_handle_time"]) == ("1", "0:15", "4:00")
    assert (li["service_level"], li["missed_offers"], li["adherence"]) == ("100.0%", "1", "100.0%")
    assert (li["qa_score"], li["qa_review_score"], li["satisfaction"], li["scored"]) == ("70.0", "60.0", "50.0%", "2")
    assert "1:59:45 / 1:59:45" in html
    # Off-target figures are marked (satisfaction 50 % against 90 %).
    assert re.search(rf'<tr data-agent="{LI}".*?class="num miss" data-column="satisfaction"', html, re.S)


def test_the_scorecard_csv(client, center):
    response = client.get("/supervisor/scorecard.csv?month=2026-12")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_name = {row["agent"]: row for row in rows}
    assert by_name["王芳"]["answered"] == "3" and by_name["王芳"]["average_handle_time"] == "173.3"
    assert by_name["李明"]["missed_offers"] == "1" and by_name["李明"]["satisfaction"] == "0.5"
    assert by_name["王芳"]["adherence"] == str(round(40170 / 43770, 4))


def test_the_daily_summary_and_its_csv(client, center):
    html = client.get("/supervisor/reports/daily?day=2026-12-03").get_data(as_text=True)
    assert "Daily summary · 2026-12-03" in html and "Time zone Asia/Shanghai" in html
    center_table = re.search(r'data-testid="center".*?</table>', html, re.S).group(0)
    figure = dict(re.findall(r'data-figure="([a-z_]+)"><td>[^<]+</td><td class="num value">([^<]+)<', center_table))
    assert figure["service_level"] == "40.0%" and figure["answer_rate"] == "50.0%"
    assert figure["average_speed_of_answer"] == "0:13" and figure["average_handle_time"] == "3:50"
    assert figure["satisfaction"] == "66.7%" and figure["qa_score"] == "80.0"
    assert "+40.0 pt" in center_table  # the service level's trend against the 2nd
    assert re.search(r'data-figure="satisfaction">.*?class="miss">not met<', center_table, re.S)
    assert ">Inquiry<" in html and ">Complaint<" in html  # queues by name in the reader's language
    assert ">王芳<" in html and ">李明<" in html
    link = re.search(r'data-testid="csv" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get(link)  # the CSV link works with the page's session
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "王芳" in response.get_data(as_text=True)


def test_the_weekly_report(client, center):
    html = client.get("/supervisor/reports/weekly?day=2026-12-03").get_data(as_text=True)
    assert "2026-11-30 – 2026-12-06" in html  # Monday to Sunday
    days = re.search(r'data-testid="days".*?</table>', html, re.S).group(0)
    # Days with calls, each with its callers offered (the 9th's ticket is the next week's).
    assert re.findall(r"<td>([^<]*)</td><td class=\"num\">(\d+)</td>", days) == [("2026-12-02", "2"),
                                                                                ("2026-12-03", "7")]
    assert 'href="/supervisor/reports/weekly?day=2026-11-23"' in html


def test_print_stylesheet_and_the_staffing_page(client, center):
    css = client.get("/supervisor/static/supervision.css").get_data(as_text=True)
    assert "@media print" in css
    html = client.get("/supervisor/staffing?from=2026-12-04").get_data(as_text=True)
    assert "Staffing plan · 2026-12-04" in html and 'data-testid="staffing-chart-inquiry"' in html
    plan = json.loads(re.search(r'<script type="application/json" id="plan-data">(.*?)</script>', html, re.S)
                      .group(1))
    inquiry = next(q for q in plan["queues"] if q["name"] == "inquiry")
    assert len(inquiry["x"]) == 48 and inquiry["labels"][0] == "00:00"
