"""IVR test helpers: a caller that walks the menu through signed webhooks and reads the TwiML
with ElementTree, and a ticket book that answers status lookups from real TicketStatus records."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from hotline import db, signals
from hotline.contracts import TicketStatus, TicketStatusBook, provide

DAYTIME = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai
NIGHT = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)  # Tuesday 22:00 in Shanghai
HOLIDAY = datetime(2027, 1, 1, 3, 0, tzinfo=timezone.utc)  # New Year's Day, 11:00


class Twiml:
    def __init__(self, response) -> None:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/xml"
        self.root = ET.fromstring(response.get_data())
        assert self.root.tag == "Response"

    @property
    def verbs(self) -> list[str]:
        return [child.tag for child in self.root]

    @property
    def gather(self) -> ET.Element | None:
        return self.root.find("Gather")

    def said(self) -> str:
        return " ".join(say.text or "" for say in self.root.iter("Say"))

    def says(self) -> list[ET.Element]:
        return list(self.root.iter("Say"))

    def redirect(self) -> str | None:
        found = self.root.find("Redirect")
        return found.text if found is not None else None

    def redirect_query(self) -> dict[str, str]:
        url = self.redirect()
        assert url is not None
        return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class Caller:
    """One simulated phone call, answering each TwiML the way Twilio would."""

    def __init__(self, twilio, sid: str, number: str) -> None:
        self.twilio = twilio
        self.sid = sid
        self.number = number
        self.last: Twiml | None = None

    def params(self, **extra: str) -> dict[str, str]:
        return self.twilio.call_params(self.sid, **{"From": self.number, "Caller": self.number,
                                                    "CallStatus": "in-progress", **extra})

    def post(self, url: str, **extra: str) -> Twiml:
        self.last = Twiml(self.twilio.post(url, self.params(**extra)))
        if "/voice/route" in (self.last.redirect() or "") or "Hangup" in self.last.verbs:
            self.settle()
        return self.last

    def settle(self) -> None:
        """What a worker does right after the caller leaves the menu: settle the path (in-process, so
        that receivers connected by a test hear `call_routed` in this process)."""
        from hotline.jobs import run_burst

        run_burst(self.twilio.client.application, ("default",), in_process=True)

    def dial(self) -> Twiml:
        self.last = Twiml(self.twilio.post("/voice/incoming", self.twilio.call_params(
            self.sid, From=self.number, Caller=self.number)))
        return self.last

    def _action(self) -> str:
        assert self.last is not None and self.last.gather is not None, f"no Gather in {self.last.verbs}"
        return self.last.gather.get("action")

    def press(self, digits: str) -> Twiml:
        return self.post(self._action(), Digits=digits)

    def say(self, words: str, confidence: str = "0.9") -> Twiml:
        return self.post(self._action(), SpeechResult=words, Confidence=confidence)

    def stay_silent(self) -> Twiml:
        """Twilio does not call the Gather action on silence; it runs the next verb: the Redirect."""
        assert self.last is not None
        url = self.last.redirect()
        assert url is not None, f"nothing handles silence after {self.last.verbs}"
        return self.post(url)

    def leave_message(self, recording_sid: str, seconds: int = 12) -> Twiml:
        assert self.last is not None
        record = self.last.root.find("Record")
        assert record is not None
        return self.post(record.get("action"), RecordingSid=recording_sid, RecordingDuration=str(seconds),
                         RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/AC{'0' * 32}/Recordings/{recording_sid}",
                         Digits="#")


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

    def on_routed(sender, **payload):
        heard.routed.append(payload)

    def on_voicemail(sender, **payload):
        heard.voicemails.append(payload)

    signals.call_routed.connect(on_routed, sender=app, weak=False)
    signals.voicemail_left.connect(on_voicemail, sender=app, weak=False)
    yield heard
    signals.call_routed.disconnect(on_routed, sender=app)
    signals.voicemail_left.disconnect(on_voicemail, sender=app)


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


def add_customer(app, phone: str, **fields) -> None:
    from tickets.models import Customer

    with app.app_context():
        session = db.session()
        session.add(Customer(phone=phone, **fields))
        session.commit()
