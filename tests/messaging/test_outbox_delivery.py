"""Ticket notices delivered from the outbox by real RQ workers through the gateway to the sandbox network."""
from hotline.jobs import run_burst
from messaging import may_contact
from tests.messaging.sms import do_not_contact, rows, sandbox


def test_creation_and_resolution_texts_in_both_languages(app, api):
    network = sandbox(app)
    zh = api.post("/api/tickets", {"phone": "13800138000", "category": "problem", "priority": "urgent",
                                   "assignee_id": 2}).get_json()["number"]
    en = api.post("/api/tickets", {"phone": "+14155550100", "category": "inquiry", "language": "en-US",
                                   "assignee_id": 2}).get_json()["number"]
    assert network.messages == []  # nothing is sent inside the request
    run_burst(app, ("outbound",))
    sent = {m["to"]: m["body"] for m in network.messages}
    assert f"工单编号{zh}" in sent["+8613800138000"] and "11月24日 12:00前" in sent["+8613800138000"]
    assert f"case {en}" in sent["+14155550100"] and "by 27 Nov 10:00" in sent["+14155550100"]
    for number in (zh, en):
        api.patch(f"/api/tickets/{number}", {"version": 1, "status": "in_progress"})
        api.patch(f"/api/tickets/{number}", {"version": 2, "status": "resolved",
                                             "resolution_summary": "已重置密码" if number == zh else "password reset"})
    run_burst(app, ("outbound",))
    resolved = [m for m in network.messages if "24" in m["body"] and m["body"] not in sent.values()]
    bodies = {m["to"]: m["body"] for m in resolved}
    assert f"您的工单{zh}已处理完毕：已重置密码。我们将在24小时内回访" in bodies["+8613800138000"]
    assert f"case {en} is resolved: password reset. We will call you within 24 hours" in bodies["+14155550100"]
    stored = rows(app)
    assert all(row.sid and row.status != "pending" for row in stored)
    assert {row.sid for row in stored} == {m["sid"] for m in network.messages}


def test_a_number_unsubscribed_at_the_carrier_is_marked_failed_not_retried(app, api):
    network = sandbox(app)
    network.unsubscribe("+8613800138000")
    api.post("/api/tickets", {"phone": "13800138000", "category": "problem"})
    run_burst(app, ("outbound",))
    (row,) = rows(app)
    assert row.status == "failed" and row.error_code == "21610"
    with app.app_context():
        assert may_contact("+8613800138000") is False  # the carrier's word goes on our list


def test_a_busy_gateway_leaves_the_notice_pending_for_a_retry(app, api):
    network = sandbox(app)
    network.fail_next(status=429, code=20429, path_contains="Messages")
    api.post("/api/tickets", {"phone": "13800138000", "category": "problem"})
    run_burst(app, ("outbound",))
    (row,) = rows(app)
    assert row.status == "pending" and row.sid is None and network.messages == []


def test_supervisor_alert_reaches_the_supervisor(app, api, clock):
    from hotline.jobs import enqueue
    from tickets.sweep import sweep_sla

    network = sandbox(app)
    do_not_contact(app, "+8613900000001")  # staff: the customers' list does not apply
    number = api.post("/api/tickets", {"phone": "13800138000", "category": "urgent",
                                       "notify": False}).get_json()["number"]
    clock.advance(hours=2, minutes=1)
    with app.app_context():
        enqueue(sweep_sla)
    run_burst(app, ("default", "outbound"))
    (alert,) = network.messages
    assert alert["to"] == "+8613900000001" and number in alert["body"] and "已超时" in alert["body"]
