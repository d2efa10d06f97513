"""The night-shift log (issue 17 item 2): GET /api/reports/night, what came in from the last closing to
the day's opening, a weekend being one long night. Calls walk the real IVR through signed webhooks
on a frozen clock; the urgent page is acknowledged through its own webhook."""
from __future__ import annotations

import csv
import dataclasses
import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.support.callers import Caller

SUPERVISOR = "+8613900000001"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*local) -> datetime:
    return datetime(*local, tzinfo=SHANGHAI).astimezone(timezone.utc)


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, supervisor_phone=SUPERVISOR)


class Night:
    def __init__(self, twilio, clock) -> None:
        self.twilio, self.clock, self.made = twilio, clock, 0

    def call(self, when: datetime, *keys: str, message: bool = False, status: str = "completed") -> Caller:
        """A caller at `when` walks the menu with `keys`, leaves a message or not, and hangs up."""
        self.clock.set(when)
        self.made += 1
        caller = Caller(self.twilio, f"CA{self.made:032x}", f"+86138{self.made:08d}")
        caller.dial()
        for key in keys:
            caller.press(key)
        if message:
            caller.leave_message("RE" + f"{self.made:x}" * 32)
        assert self.twilio.post("/voice/status", caller.params(CallStatus=status)).status_code == 204
        return caller


@pytest.fixture
def night(twilio, clock):
    return Night(twilio, clock)


def _ticket_of(api, caller: Caller) -> dict:
    return api.get(f"/api/calls/{caller.sid}/ticket").get_json()


def _id(app, number: str) -> int:
    from sqlalchemy import select

    from hotline import db
    from tickets.models import Ticket

    with app.app_context():
        return db.session().scalars(select(Ticket.id).where(Ticket.number == number)).one()


def test_a_weekend_is_one_long_night_with_its_calls_messages_and_urgent_cases(app, api, twilio, night, clock):
    # The shipped calendar: Saturday 09:00-17:00, Sunday closed, Monday from 08:30.
    night.call(at(2026, 11, 28, 10, 0), "1", "1")  # Saturday, open: not the night's
    urgent = night.call(at(2026, 11, 28, 19, 0), "1", "4", message=True)  # Saturday evening, urgent
    complaint = night.call(at(2026, 11, 29, 11, 0), "1", "3", message=True)  # Sunday, a complaint
    night.call(at(2026, 11, 29, 15, 0), "1", status="no-answer")  # Sunday: hung up in the menu
    early = night.call(at(2026, 11, 30, 8, 0), "1", "4", message=True)  # Monday before opening
    night.call(at(2026, 11, 30, 9, 0), "1", "1")  # Monday, open: the day's
    first = _ticket_of(api, urgent)
    made = api.post("/api/agents", {"name": "alice", "address": "client:alice", "languages": ["zh-CN"],
                                    "skills": {"urgent": 5}, "status": "offline"})
    alice = made.get_json()["id"]
    version = api.get(f"/api/tickets/{first['number']}").get_json()["version"]
    assert api.patch(f"/api/tickets/{first['number']}", {"version": version, "assignee_id": alice}).status_code == 200
    second = _ticket_of(api, early)
    assert twilio.post(f"/voice/page/ack?ticket={_id(app, second['number'])}&attempt=1",
                       early.params(Digits="1", Direction="outbound-api", From="+15005550006",
                                    To=SUPERVISOR)).status_code == 200

    clock.set(at(2026, 11, 30, 10, 0))
    response = api.get("/api/reports/night")  # the night that ended this morning
    assert response.status_code == 200, response.get_json()
    log = response.get_json()
    assert (log["date"], log["from"], log["to"]) == ("2026-11-30", "2026-11-28T17:00:00+08:00",
                                                      "2026-11-30T08:30:00+08:00")
    assert log["calls"] == {"total": 4, "by_status": {"completed": 3, "no-answer": 1}}
    assert [t["number"] for t in log["messages"]["tickets"]] == \
        [first["number"], _ticket_of(api, complaint)["number"], second["number"]]
    assert log["messages"]["tickets"][1]["category"] == "complaint"
    rows = {t["number"]: t for t in log["urgent"]["tickets"]}
    assert list(rows) == [first["number"], second["number"]]
    assert rows[first["number"]]["assignee"] == "alice" and rows[first["number"]]["assignee_id"] == alice
    assert rows[first["number"]]["paged"] and rows[first["number"]]["acknowledged_at"] == ""
    assert rows[second["number"]]["acknowledged_at"] == "2026-11-30T09:00:00+08:00"  # acked then
    assert rows[second["number"]]["category"] == "urgent" and rows[second["number"]]["first_response_at"] == ""

    same = api.get("/api/reports/night?date=2026-11-30&format=csv")
    assert same.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(same.get_data(as_text=True))))
    assert sorted(r["status"] for r in lines if r["kind"] == "calls") == ["completed", "no-answer"]
    assert [r["number"] for r in lines if r["kind"] == "urgent"] == list(rows)
    assert sum(r["kind"] == "message" for r in lines) == 3


def test_a_weeknight_runs_from_the_evenings_closing_and_closed_days_have_none(app, api, night, clock):
    night.call(at(2026, 11, 30, 19, 0), "1", "1")  # Monday, open
    night.call(at(2026, 11, 30, 23, 0), "1", "1")  # Monday night
    clock.set(at(2026, 12, 1, 8, 0))  # Tuesday before opening: last night has not ended yet
    log = api.get("/api/reports/night").get_json()
    assert log["date"] == "2026-11-30" and log["calls"]["total"] == 0  # the weekend's log, none of these
    clock.set(at(2026, 12, 1, 8, 30))
    log = api.get("/api/reports/night").get_json()
    assert (log["date"], log["from"]) == ("2026-12-01", "2026-11-30T20:00:00+08:00")
    assert log["calls"] == {"total": 1, "by_status": {"completed": 1}}
    assert api.get("/api/reports/night?date=2026-11-29").status_code == 404  # a Sunday: no opening
    assert api.get("/api/reports/night?date=2026-13-01").status_code == 400
    assert api.get("/api/reports/night?format=xml").status_code == 400


def test_the_night_window_follows_the_calendar():
    from datetime import date, time

    from hotline.calendar import BusinessCalendar
    from tickets.night_log import last_night, night_ending

    calendar = BusinessCalendar(holidays=frozenset({date(2027, 1, 1)}),
                                business_hours={d: (time(9), time(18)) for d in range(5)})
    # New Year's Day on a Friday: Thursday's closing to Monday's opening.
    night = night_ending(calendar, date(2027, 1, 4))
    assert (night.start, night.end) == (datetime(2026, 12, 31, 18, tzinfo=calendar.zone),
                                        datetime(2027, 1, 4, 9, tzinfo=calendar.zone))
    assert night_ending(calendar, date(2027, 1, 1)) is None
    assert last_night(calendar, at(2027, 1, 2, 12, 0)).day == date(2026, 12, 31)
    never = BusinessCalendar(business_hours={})
    assert night_ending(never, date(2027, 1, 4)) is None and last_night(never, at(2027, 1, 4, 12, 0)) is None
    assert last_night(calendar, at(2027, 1, 4, 9, 0)).end == at(2027, 1, 4, 9, 0) - timedelta(0)


# --- the log handed to the day's first supervisor (tickets/night_handover.py) -------------------

def _store_as_the_scheduler_does(app) -> None:
    from hotline.jobs import enqueue, run_burst
    from tickets.night_handover import store_last_night

    with app.app_context():
        enqueue(store_last_night, queue="default")
    run_burst(app, ("default",))


def _stored(app) -> list:
    from sqlalchemy import select

    from hotline import db
    from tickets.models import NightLog

    with app.app_context():
        rows = list(db.session().scalars(select(NightLog).order_by(NightLog.day)))
        db.session().expunge_all()
        return rows


def test_the_night_log_is_kept_at_opening_and_the_first_supervisor_acknowledges_it(app, api, night, clock):
    urgent = night.call(at(2026, 11, 30, 22, 0), "1", "4", message=True)  # Monday night, urgent
    night.call(at(2026, 11, 30, 23, 0), "1", "2", message=True)  # a problem left as a message
    clock.set(at(2026, 12, 1, 8, 29))  # Tuesday before opening: this night has not ended
    _store_as_the_scheduler_does(app)
    assert [log.day.isoformat() for log in _stored(app)] == ["2026-11-30"]  # the weekend's, the last ended
    clock.set(at(2026, 12, 1, 8, 30, 30))  # half a minute after opening
    _store_as_the_scheduler_does(app)
    [log] = [log for log in _stored(app) if log.day.isoformat() == "2026-12-01"]
    assert log.produced_at == at(2026, 12, 1, 8, 30, 30) and log.acknowledged_at is None
    number = _ticket_of(api, urgent)["number"]
    assert [t["number"] for t in log.report["urgent"]["tickets"]] == [number]

    # During the day the urgent ticket is taken: the log keeps the night as it was handed over.
    clock.set(at(2026, 12, 1, 9, 0))
    alice = api.post("/api/agents", {"name": "alice", "address": "client:alice", "languages": ["zh-CN"],
                                     "skills": {"urgent": 5}, "status": "offline"}).get_json()["id"]
    version = api.get(f"/api/tickets/{number}").get_json()["version"]
    taken = api.patch(f"/api/tickets/{number}", {"version": version, "assignee_id": alice}).get_json()
    assert taken["status"] == "assigned"
    zhao, qian, qa = api.mint("supervisor", "zhao"), api.mint("supervisor", "qian"), api.mint("qa", "sun")
    first = api.get("/api/reports/night/handover", token=zhao).get_json()["log"]
    assert (first["date"], first["acknowledged"], first["acknowledged_by"]) == ("2026-12-01", False, "")
    assert (first["urgent"]["tickets"][0]["status"], first["urgent"]["tickets"][0]["assignee"]) == ("new", None)
    assert first["messages"]["total"] == 2
    assert first["calls"]["total"] == 2 and first["produced_at"] == "2026-12-01T08:30:30+08:00"
    assert api.post("/api/reports/night/2026-12-01/acknowledge", token=qa).status_code == 403

    clock.set(at(2026, 12, 1, 9, 5))
    acked = api.post("/api/reports/night/2026-12-01/acknowledge", token=zhao).get_json()
    assert (acked["acknowledged"], acked["acknowledged_by"], acked["acknowledged_at"], acked["acknowledged_now"]) == \
        (True, "zhao", "2026-12-01T09:05:00+08:00", True)
    # A second supervisor sees who acknowledged it and when; acknowledging again changes nothing.
    clock.set(at(2026, 12, 1, 10, 0))
    later = api.get("/api/reports/night/handover", token=qian).get_json()["log"]
    assert (later["acknowledged"], later["acknowledged_by"], later["acknowledged_at"]) == \
        (True, "zhao", "2026-12-01T09:05:00+08:00")
    again = api.post("/api/reports/night/2026-12-01/acknowledge", token=qian).get_json()
    assert (again["acknowledged_by"], again["acknowledged_now"]) == ("zhao", False)
    assert len([log for log in _stored(app) if log.day.isoformat() == "2026-12-01"]) == 1
    assert api.post("/api/reports/night/2026-11-29/acknowledge", token=qian).status_code == 404
    assert api.post("/api/reports/night/2026-13-01/acknowledge", token=qian).status_code == 400


def test_a_quiet_night_is_handed_over_too_stored_by_the_first_page_that_asks(app, api, night, clock):
    night.call(at(2026, 12, 1, 12, 0), "1", "1")  # Tuesday daytime only
    clock.set(at(2026, 12, 2, 8, 45))  # Wednesday after opening; the scheduler has not run
    answer = api.get("/api/reports/night/handover").get_json()["log"]
    assert (answer["date"], answer["from"], answer["to"]) == ("2026-12-02", "2026-12-01T20:00:00+08:00",
                                                              "2026-12-02T08:30:00+08:00")
    assert answer["calls"] == {"total": 0, "by_status": {}}
    assert answer["urgent"] == {"total": 0, "tickets": []} and answer["messages"]["total"] == 0
    assert [log.day.isoformat() for log in _stored(app)] == ["2026-12-02"]
    _store_as_the_scheduler_does(app)  # the scheduler's turn: it is kept already
    assert len(_stored(app)) == 1


def test_a_center_that_never_opens_has_nothing_to_hand_over(app, api, settings, tmp_path):
    path = tmp_path / "closed.yaml"
    path.write_text('business_hours: {}\nnight_shift: "00:00-24:00"\nholidays: []\nworkdays: []\n', encoding="utf-8")
    app.config["HOTLINE_SETTINGS"] = dataclasses.replace(settings, calendar_path=path)
    app.extensions.pop("hotline.calendar", None)
    assert api.get("/api/reports/night/handover").get_json() == {"log": None}
    _store_as_the_scheduler_does(app)
    assert _stored(app) == []
