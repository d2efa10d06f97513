"""Ticket events are published after commit (the notices themselves: tests/messaging/test_outbox.py)."""
from sqlalchemy import select

from hotline import db
from hotline.contracts import TicketCreated, TicketReopened, TicketResolved, subscribe
from tickets.models import Ticket, TicketEvent


def test_ticket_events_are_published_after_commit(app, api):
    heard = []

    def listen(name):
        def receiver(event):
            with app.app_context():
                ticket = db.session().get(Ticket, event.ticket_id)  # visible: committed before the event
                heard.append((name, ticket.status))
        return receiver

    receivers = {name: listen(name) for name in ("created", "resolved", "reopened")}
    subscribe(TicketCreated, receivers["created"], app)
    subscribe(TicketResolved, receivers["resolved"], app)
    subscribe(TicketReopened, receivers["reopened"], app)
    number = api.post("/api/tickets", {"phone": "13800138000", "category": "problem", "assignee_id": 2,
                                       "notify": False}).get_json()["number"]
    for version, status in enumerate(("in_progress", "resolved", "reopened"), start=1):
        assert api.patch(f"/api/tickets/{number}", {"version": version, "status": status}).status_code == 200
    assert heard == [("created", "assigned"), ("resolved", "resolved"), ("reopened", "reopened")]
    with app.app_context():
        assert db.session().scalars(select(TicketEvent.kind).where(TicketEvent.kind == "sms_queued")).all() \
            == ["sms_queued"]  # the resolution text; creation asked for none
