"""IVR test helpers: callers that walk the menu through signed webhooks (tests/support/callers.py),
and a ticket book that answers status lookups from real TicketStatus records."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import pytest

from hotline import db
from hotline.contracts import (CallRouted, TicketStatus, TicketStatusBook, VoicemailLeft, provide, subscribe,
                               unsubscribe)
from tests.support.callers import Caller

DAYTIME = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai
NIGHT = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)  # Tuesday 22:00 in Shanghai
HOLIDAY = datetime(2027, 1, 1, 3, 0, tzinfo=timezone.utc)  # New Year's Day, 11:00


@pytest.fixture
def caller(twilio):
    made = iter(range(1, 1000))

    def make(number: str | None = None) -> Caller:
        # Each call from a number of its own: once routed, tickets remember a caller's language.
        n = next(made)
        return Caller(twilio, f"CA{n:032x}", number or f"+86138{n:08d}")

    return make


OWNER = "+8613912345678"  # the customer on the ticket book's ticket


@dataclass
class TicketBook:
    """What the tickets area provides, reduced to dictionaries of real TicketStatus records and the
    phone number on file of each ticket (tickets' own provider is tested in tests/tickets)."""

    statuses: dict[tuple[str, str], TicketStatus] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    lookups: list[tuple[str, str]] = field(default_factory=list)

    def add(self, status_by_language: dict[str, TicketStatus], phone: str = OWNER) -> None:
        for language, status in status_by_language.items():
            self.statuses[(status.number, language)] = status
            self.phones[status.number] = phone

    def lookup(self, number: str, language: str) -> TicketStatus | None:
        self.lookups.append((number, language))
        return self.statuses.get((number, language))

    def is_owner(self, number: str, caller: str) -> bool:
        return self.phones.get(number) == caller

    def confirms_owner(self, number: str, last_four: str) -> bool:
        return number in self.phones and self.phones[number][-4:] == last_four


@pytest.fixture
def ticket_book(app) -> TicketBook:
    book = TicketBook()
    promised = datetime(2026, 11, 25, 6, 30, tzinfo=timezone.utc)  # 14:30 in Shanghai
    updated = datetime(2026, 11, 24, 1, 15, tzinfo=timezone.utc)  # 09:15 in Shanghai
    book.add({
        "zh-CN": TicketStatus("GD20261123007", "in_progress", "正在处理中", promised, updated, "技术部门已完成检测"),
        "en-US": TicketStatus("GD20261123007", "in_progress", "being worked on", promised, updated,
                              "our engineers finished the check"),
    })
    provide(app, TicketStatusBook, book, replace=True)
    return book


@dataclass
class Announcements:
    routed: list[dict] = field(default_factory=list)
    voicemails: list[dict] = field(default_factory=list)


@pytest.fixture
def announced(app):
    heard = Announcements()

    def on_routed(event):
        heard.routed.append(asdict(event))

    def on_voicemail(event):
        heard.voicemails.append(asdict(event))

    subscribe(CallRouted, on_routed, app)
    subscribe(VoicemailLeft, on_voicemail, app)
    yield heard
    unsubscribe(CallRouted, on_routed, app)
    unsubscribe(VoicemailLeft, on_voicemail, app)


def ivr_steps(app, sid: str) -> list[dict]:
    """The call's IVR steps as stored, after the periodic sweep moved any still buffered."""
    from sqlalchemy import select

    from hotline.models import Call
    from ivr.call_steps import sweep_buffered_steps

    with app.app_context():
        sweep_buffered_steps(older_than=0)
        call = db.session().scalars(select(Call).where(Call.sid == sid)).one()
        return [e.data for e in call.events if e.kind in ("incoming", "ivr")]


def call_row(app, sid: str):
    from sqlalchemy import select

    from hotline.models import Call
    from ivr.call_steps import sweep_buffered_steps

    with app.app_context():
        sweep_buffered_steps(older_than=0)
        return db.session().scalars(select(Call).where(Call.sid == sid)).one()
