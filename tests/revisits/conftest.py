"""Revisit fixtures: fast pacing for tests, a resolved ticket, and helpers that drive revisits."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from hotline import db, signals
from hotline.settings import Settings
from revisits.desk import ResolvedTicket
from revisits.models import Revisit

CUSTOMER = "+8613800138001"


@pytest.fixture
def settings(tmp_path, database_url, redis_url) -> Settings:
    # 100/s so tests do not wait for the pacing bucket; pacing itself is tested on its own.
    return Settings.for_tests(tmp_path, database_url=database_url, redis_url=redis_url,
                              outbound_calls_per_second=100.0, outbound_sms_per_second=100.0)


class LedgerDesk:
    """Resolved tickets as plain records, in the shape the tickets area's desk returns them."""

    def __init__(self) -> None:
        self.tickets: dict[int, ResolvedTicket] = {}
        self.reopened: list[tuple[int, str]] = []

    def resolved_ticket(self, ticket_id: int) -> ResolvedTicket | None:
        return self.tickets.get(ticket_id)

    def reopen_unsolved(self, ticket_id: int, *, note: str) -> None:
        self.reopened.append((ticket_id, note))


@pytest.fixture
def desk(app) -> LedgerDesk:
    ledger = LedgerDesk()
    app.extensions["hotline.revisit_desk"] = ledger
    return ledger


class Revisits:
    def __init__(self, app, desk: LedgerDesk, clock) -> None:
        self.app, self.desk, self.clock = app, desk, clock

    def resolve(self, ticket_id: int = 1, *, phone: str = CUSTOMER, language: str = "zh-CN",
                timezone: str | None = "Asia/Shanghai", resolved_at: datetime | None = None,
                category: str = "problem", agent_id: int | None = 7) -> Revisit:
        self.desk.tickets[ticket_id] = ResolvedTicket(
            id=ticket_id, number=f"GD20261124{ticket_id:04d}", phone=phone, language=language, timezone=timezone,
            category=category, agent_id=agent_id, resolved_at=resolved_at or self.clock.now(),
            salutation_zh="王女士", salutation_en="Ms Wang")
        with self.app.app_context():
            signals.ticket_resolved.send(self.app, ticket_id=ticket_id)
            return db.session().scalars(select(Revisit).where(Revisit.ticket_id == ticket_id)
                                        .order_by(Revisit.round.desc())).first()

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

    def sweep(self) -> dict:
        from revisits.sweeper import sweep_revisits

        with self.app.app_context():
            return sweep_revisits()


@pytest.fixture
def revisits(app, desk, clock) -> Revisits:
    return Revisits(app, desk, clock)
