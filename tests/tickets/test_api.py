"""The tickets API: opening, listing, versions, transitions, notes, visibility, field-named errors."""
import pytest
from sqlalchemy import select

from hotline import db
from messaging.models import SmsMessage


def open_ticket(api, token=None, **body):
    payload = {"phone": "13800138000", "category": "problem", "description": "宽带无法连接"}
    payload.update(body)
    response = api.post("/api/tickets", payload, token=token)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_open_ticket_has_number_due_times_event_and_sms(app, api):
    ticket = open_ticket(api, priority="urgent")
    assert ticket["number"] == "GD20261124001"
    assert ticket["customer"]["phone"] == "+8613800138000"
    assert ticket["status"] == "new" and ticket["version"] == 1
    assert ticket["sla"]["response_due"] == "2026-11-24T04:00:00+00:00"  # 2 hours from 02:00 UTC
    detail = api.get(f"/api/tickets/{ticket['number']}").get_json()
    assert [e["kind"] for e in detail["events"]] == ["created", "sms_queued"]
    assert detail["events"][0]["actor"] == "admin:admin"
    with app.app_context():
        sms = db.session().scalars(select(SmsMessage)).one()
    assert sms.to_number == "+8613800138000" and sms.purpose == "ticket_created"
    assert "GD20261124001" in sms.body and "11月24日 12:00" in sms.body


@pytest.mark.parametrize("body,status,field", [
    ({"category": "billing"}, 422, "category"),
    ({"priority": "asap"}, 422, "priority"),
    ({"phone": "12345"}, 422, "phone"),
    ({"phone": None}, 422, "phone"),
    ({"assignee_id": "7"}, 422, "assignee_id"),
    ({"language": "fr-FR"}, 422, "language"),
    ({"call_sid": "CA-nope"}, 422, "call_sid"),
])
def test_bad_input_names_the_field(api, body, status, field):
    payload = {"phone": "13800138000", "category": "problem", **body}
    response = api.post("/api/tickets", payload)
    assert response.status_code == status
    assert response.get_json()["error"].startswith(f"{field}:")


def test_stale_version_is_409_and_changes_nothing(api):
    number = open_ticket(api)["number"]
    first = api.patch(f"/api/tickets/{number}", {"version": 1, "assignee_id": 7})
    assert first.status_code == 200 and first.get_json()["status"] == "assigned"
    assert first.get_json()["version"] == 2
    stale = api.patch(f"/api/tickets/{number}", {"version": 1, "department": "technical"})
    assert stale.status_code == 409
    assert stale.get_json()["error"].startswith("version:") and stale.get_json()["current_version"] == 2
    assert api.get(f"/api/tickets/{number}").get_json()["department"] is None


def test_full_life_with_invalid_moves_refused(app, api):
    number = open_ticket(api)["number"]
    version = 1

    def patch(**body):
        nonlocal version
        response = api.patch(f"/api/tickets/{number}", {"version": version, **body})
        if response.status_code == 200:
            version = response.get_json()["version"]
        return response

    bad = patch(status="resolved")
    assert bad.status_code == 422 and bad.get_json()["error"].startswith("status: cannot go from new to resolved")
    assert patch(status="assigned").get_json()["error"].startswith("assignee_id:")
    assert patch(assignee_id=3).get_json()["status"] == "assigned"
    body = patch(status="in_progress").get_json()
    assert body["status"] == "in_progress" and body["first_response_at"] and body["sla"]["response"] == "met"
    resolved = patch(status="resolved", resolution_summary="已更换光猫，网络恢复").get_json()
    assert resolved["status"] == "resolved" and resolved["sla"]["resolution"] == "met"
    assert patch(status="reopened").get_json()["status"] == "reopened"
    assert patch(status="in_progress").get_json()["status"] == "in_progress"
    patch(status="resolved")
    assert patch(status="closed").get_json()["closed_at"]
    detail = api.get(f"/api/tickets/{number}").get_json()
    moves = [(e["data"]["previous"], e["data"]["status"]) for e in detail["events"] if e["kind"] == "status"]
    assert moves == [("new", "assigned"), ("assigned", "in_progress"), ("in_progress", "resolved"),
                     ("resolved", "reopened"), ("reopened", "in_progress"), ("in_progress", "resolved"),
                     ("resolved", "closed")]
    with app.app_context():
        bodies = [m.body for m in db.session().scalars(select(SmsMessage).where(
            SmsMessage.purpose == "ticket_resolved").order_by(SmsMessage.id))]
    assert "已更换光猫，网络恢复" in bodies[0] and "24小时内回访" in bodies[0]


def test_agents_see_only_their_tickets(api):
    mine = api.mint("agent", agent_id=7)
    other = api.mint("agent", agent_id=8)
    ticket = open_ticket(api, token=mine)
    assert ticket["assignee_id"] == 7 and ticket["status"] == "assigned"
    open_ticket(api, phone="13900139000")
    assert [t["number"] for t in api.get("/api/tickets", token=mine).get_json()["items"]] == [ticket["number"]]
    assert api.get("/api/tickets", token=other).get_json()["items"] == []
    assert api.get(f"/api/tickets/{ticket['number']}", token=other).status_code == 403
    assert api.get("/api/tickets?count=true").get_json()["total"] == 2
    supervisor = api.mint("supervisor")
    assert api.get("/api/tickets?count=true", token=supervisor).get_json()["total"] == 2


def test_list_filters_and_paging(api, clock):
    open_ticket(api, category="complaint")
    open_ticket(api, category="inquiry", phone="13900139000")
    clock.advance(hours=24)
    open_ticket(api, category="complaint", phone="13700137000")
    assert api.get("/api/tickets?category=complaint&count=true").get_json()["total"] == 2
    assert api.get("/api/tickets?phone=8613900139000&count=true").get_json()["total"] == 1
    assert api.get("/api/tickets?priority=routine&count=true").get_json()["total"] == 1
    assert api.get("/api/tickets?from=2026-11-25&to=2026-11-25&count=true").get_json()["total"] == 1
    assert api.get("/api/tickets?breached=false&count=true").get_json()["total"] == 3
    page = api.get("/api/tickets?per_page=2&page=2&count=true").get_json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["next"] is None
    assert "total" not in api.get("/api/tickets").get_json()  # counting is asked for, never paid by default
    for query, field in (("status=done", "status"), ("from=yesterday", "from"), ("per_page=500", "per_page"),
                         ("breached=maybe", "breached"), ("page=11", "page"), ("after=bm9uc2Vuc2U", "after")):
        response = api.get(f"/api/tickets?{query}")
        assert response.status_code == 400 and response.get_json()["error"].startswith(f"{field}:")


def test_notes_are_events_and_a_contact_is_the_first_response(api):
    number = open_ticket(api)["number"]
    response = api.post(f"/api/tickets/{number}/notes", {"text": "已回电，客户下午在家", "contacted_customer": True})
    assert response.status_code == 201 and response.get_json()["kind"] == "note"
    detail = api.get(f"/api/tickets/{number}").get_json()
    assert detail["first_response_at"] and detail["events"][-1]["data"]["text"] == "已回电，客户下午在家"
    assert api.post(f"/api/tickets/{number}/notes", {"text": " "}).get_json()["error"].startswith("text:")


def test_waiting_on_the_customer_pauses_the_clock(api, clock):
    number = open_ticket(api, priority="urgent", assignee_id=4)["number"]
    api.patch(f"/api/tickets/{number}", {"version": 1, "waiting_customer": True})
    clock.advance(hours=3)
    body = api.patch(f"/api/tickets/{number}", {"version": 2, "waiting_customer": False}).get_json()
    assert body["sla"]["paused_seconds"] == 3 * 3600
    assert body["sla"]["response_due"] == "2026-11-24T07:00:00+00:00"


def test_customer_history_and_vip(api, phone):
    ticket = open_ticket(api)
    sid = phone.call("+8613800138000")
    api.post(f"/api/tickets/{ticket['number']}/calls", {"call_sid": sid})
    body = api.get("/api/customers/138-0013-8000").get_json()
    assert body["customer"]["phone"] == "+8613800138000"
    assert [t["number"] for t in body["tickets"]] == [ticket["number"]]
    assert body["calls"][0]["sid"] == sid and body["calls"][0]["ticket"] == ticket["number"]
    assert api.patch("/api/customers/13800138000", {"vip": True}).get_json()["vip"] is True
    assert api.get("/api/customers/13900000000").status_code == 404
    assert api.get("/api/customers/abc").get_json()["error"].startswith("phone:")


def test_a_customer_with_many_tickets_is_read_in_the_same_statements_as_one_with_one(app, api, phone):
    from tests.support.sql import statements

    def lookup_statements():
        with statements(app) as seen:
            body = api.get("/api/customers/13800138000").get_json()
        return len(seen), body

    def file_one():
        number = open_ticket(api, notify=False)["number"]
        sid = phone.call("+8613800138000")
        api.post(f"/api/tickets/{number}/calls", {"call_sid": sid})

    file_one()
    few, _ = lookup_statements()
    for _ in range(104):  # more than the 100 tickets the answer carries: their calls still say which
        file_one()
    many, body = lookup_statements()
    assert many == few
    assert len(body["tickets"]) == len(body["calls"]) == 100
    assert all(call["ticket"] for call in body["calls"])


def test_every_endpoint_is_documented(api):
    paths = api.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/tickets", "/api/tickets/{number}", "/api/tickets/{number}/notes",
                 "/api/tickets/{number}/calls", "/api/customers/{phone}", "/api/reports/tickets"):
        for op in paths[path].values():
            assert op["summary"] and not op["summary"].startswith("api.")


def test_two_writers_with_the_same_version_never_both_win(app, api):
    """Both read version 1; the first commit wins and the second's UPDATE matches no row."""
    from sqlalchemy.orm.exc import StaleDataError

    from tickets.models import Ticket

    number = open_ticket(api)["number"]
    with app.app_context():
        database = app.extensions["hotline.db"]
        first, second = database.sessionmaker(), database.sessionmaker()
        mine = first.scalars(select(Ticket).where(Ticket.number == number)).one()
        theirs = second.scalars(select(Ticket).where(Ticket.number == number)).one()
        mine.department = "technical"
        first.commit()
        theirs.department = "operations"
        with pytest.raises(StaleDataError):
            second.commit()
        second.rollback()
        first.close()
        second.close()
    assert api.get(f"/api/tickets/{number}").get_json()["department"] == "technical"


def test_handing_over_a_worked_ticket_assigns_it_to_the_next_agent(api):
    number = open_ticket(api, assignee_id=3)["number"]
    api.patch(f"/api/tickets/{number}", {"version": 1, "status": "in_progress"})
    body = api.patch(f"/api/tickets/{number}", {"version": 2, "assignee_id": 4}).get_json()
    assert body["status"] == "assigned" and body["assignee_id"] == 4
    agent = api.mint("agent", agent_id=4)
    refused = api.patch(f"/api/tickets/{number}", {"version": 3, "assignee_id": 9}, token=agent)
    assert refused.status_code == 403 and refused.get_json()["error"].startswith("assignee_id:")


def test_a_customer_abroad_reads_the_promise_in_their_own_time(app, api):
    api.post("/api/tickets", {"phone": "+14155550100", "category": "problem", "notify": False})
    api.patch("/api/customers/+14155550100", {"timezone": "America/Los_Angeles", "language": "en-US"})
    open_ticket(api, phone="+14155550100", priority="urgent")
    with app.app_context():
        body = db.session().scalars(select(SmsMessage)).one().body
    assert "by 23 Nov 20:00" in body  # 04:00 UTC on the 24th is 20:00 the evening before in California
