"""Reports with SLA compliance (JSON and CSV) and the IVR's ticket-status lookup."""
import csv
import io
from datetime import datetime, timezone

from hotline import db
from hotline.contracts import TicketStatusBook, need


def open_ticket(api, **body):
    payload = {"phone": "13800138000", "category": "problem", "notify": False, **body}
    response = api.post("/api/tickets", payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["number"]


def test_report_counts_and_compliance(api, clock):
    met = open_ticket(api, priority="urgent", assignee_id=1)
    api.patch(f"/api/tickets/{met}", {"version": 1, "status": "in_progress"})
    late = open_ticket(api, priority="urgent", assignee_id=1, category="complaint")
    clock.advance(hours=3)
    api.patch(f"/api/tickets/{late}", {"version": 1, "status": "in_progress"})
    clock.advance(hours=24)
    open_ticket(api, category="inquiry")
    report = api.get("/api/reports/tickets?from=2026-11-24&to=2026-11-25").get_json()
    assert report["totals"]["count"] == 3
    assert report["totals"]["by_category"]["problem"] == 1 and report["totals"]["by_category"]["complaint"] == 1
    assert report["totals"]["by_status"]["in_progress"] == 2
    assert report["totals"]["sla"]["response"]["met"] == 1 and report["totals"]["sla"]["response"]["missed"] == 1
    assert report["totals"]["sla"]["response"]["compliance"] == 0.5
    assert [p["period"] for p in report["periods"]] == ["2026-11-24", "2026-11-25"]
    weekly = api.get("/api/reports/tickets?from=2026-11-24&to=2026-11-25&period=week").get_json()
    assert [p["period"] for p in weekly["periods"]] == ["2026-W48"]
    response = api.get("/api/reports/tickets?from=2026-11-24&to=2026-11-25&format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert [r["period"] for r in rows] == ["2026-11-24", "2026-11-25", "total"]
    assert rows[0]["count"] == "2" and rows[2]["response_compliance"] == "0.5"
    for query, field in (("period=year", "period"), ("from=2026-12-01&to=2026-11-01", "from")):
        bad = api.get(f"/api/reports/tickets?{query}")
        assert bad.status_code == 400 and bad.get_json()["error"].startswith(f"{field}:")


def test_reports_are_for_supervisors(api):
    assert api.get("/api/reports/tickets", token=api.mint("agent", agent_id=3)).status_code == 403


def test_ivr_lookup_speaks_the_callers_language(app, api, clock):
    number = open_ticket(api, priority="normal")
    provider = need(TicketStatusBook, app)
    with app.app_context():
        zh = provider.lookup(number, "zh-CN")
        en = provider.lookup(number, "en-US")
        assert provider.lookup("GD20991231001", "zh-CN") is None
    assert zh.number == number and zh.status == "open" and zh.status_text == "已受理，等待处理"
    assert en.status_text == "received and waiting for an agent" and en.last_update_text == "your ticket was opened"
    assert zh.promised_at == datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)
    api.patch(f"/api/tickets/{number}", {"version": 1, "assignee_id": 5})
    api.patch(f"/api/tickets/{number}", {"version": 2, "status": "in_progress"})
    with app.app_context():
        working = provider.lookup(number.lower(), "zh-CN")
    assert working.status == "in_progress" and working.status_text == "正在处理中"
    assert working.last_update_text == "客服正在处理"
    api.patch(f"/api/tickets/{number}", {"version": 3, "status": "resolved"})
    with app.app_context():
        done = provider.lookup(number, "en-US")
    assert done.status == "resolved" and done.promised_at is None and done.status_text == "resolved"
    with app.app_context():
        db.session().close()
