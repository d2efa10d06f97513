"""Revisit fixtures: fast pacing for tests, a resolved ticket, and helpers that drive revisits."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline import db
from hotline.contracts import TicketResolved, publish
from hotline.settings import Settings
from revisits.models import Revisit
from revisits.states import move
from revisits.texts import queue_text

CUSTOMER = "+8613800138001"


@pytest.fixture
def settings(tmp_path, database_url, redis_url) -> Settings:
    # 100/s so tests do not wait for the pacing bucket; pacing itself is tested on its own.
    return Settings.for_tests(tmp_path, database_url=database_url, redis_url=redis_url,
                              outbound_calls_per_second=100.0, outbound_sms_per_second=100.0)


class Revisits:
    """Resolves real tickets (through the tickets area) and drives their revisits."""

    def __init__(self, app, clock) -> None:
        self.app, self.clock = app, clock

    def resolve(self, *, phone: str = CUSTOMER, language: str = "zh-CN", timezone: str | None = "Asia/Shanghai",
                category: str = "problem", agent_id: int = 7, priority: str | None = None) -> Revisit:
        """Open, work and resolve a ticket now; its ticket_resolved signal schedules the revisit."""
        from tickets import cases

        with self.app.app_context():
            session = db.session()
            customer = cases.customer_for_phone(session, phone, language)
            customer.timezone, customer.surname, customer.title = timezone, "王" if language == "zh-CN" else "Wang", "ms"
            ticket = cases.open_ticket(session, category=category, actor=f"agent:{agent_id}", customer=customer,
                                       assignee_id=agent_id, language=language, priority=priority, notify=False)
            cases.move_status(session, ticket, "in_progress", f"agent:{agent_id}")
            cases.move_status(session, ticket, "resolved", f"agent:{agent_id}")
            session.commit()
            return self.latest(ticket.id)

    def latest(self, ticket_id: int) -> Revisit | None:
        with self.app.app_context():
            return db.session().scalars(select(Revisit).where(Revisit.ticket_id == ticket_id)
                                        .order_by(Revisit.round.desc())).first()

    def announce_again(self, ticket_id: int) -> None:
        with self.app.app_context():
            publish(TicketResolved(ticket_id))

    def ticket(self, ticket_id: int):
        from tickets.models import Ticket

        with self.app.app_context():
            ticket = db.session().get(Ticket, ticket_id)
            ticket.events  # load while the session is open
            return ticket

    def get(self, revisit_id: int) -> Revisit:
        with self.app.app_context():
            revisit = db.session().get(Revisit, revisit_id)
            revisit.attempt_log  # load while the session is open
            return revisit

    def claim_call(self, revisit: Revisit, call_sid: str) -> None:
        """Put the revisit where the dialer leaves it after placing a call (for webhook-only tests)."""
        from revisits.dialer import _log_attempt
        from revisits.states import move

        with self.app.app_context():
            session = db.session()
            assert move(session, revisit.id, ("scheduled",), "calling", attempt=revisit.attempts,
                        attempts=revisit.attempts + 1, claimed_at=self.clock.now(), call_sid=call_sid)
            _log_attempt(session, revisit.id, revisit.attempts + 1, "call")
            session.commit()

    def sweep(self) -> dict:
        from revisits.sweeper import sweep_revisits

        with self.app.app_context():
            return sweep_revisits()


@pytest.fixture
def revisits(app, clock) -> Revisits:
    return Revisits(app, clock)


@pytest.fixture
def surveyed(app, revisits):
    """A revisit whose three calls went unanswered and whose SMS survey was sent (stored in messaging's outbox)."""
    revisit = revisits.resolve()
    with app.app_context():
        session = db.session()
        assert queue_text(session, revisit, "sms_survey") is not None
        assert move(session, revisit.id, ("scheduled",), "sms_sent", attempts=4, message_sid="SM" + "9" * 32,
                    claimed_at=revisit.resolved_at)
    return revisit
