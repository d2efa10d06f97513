"""The urgent page's call (issue 17 item 2): after the SMS, the supervisor on call is called until a
key press acknowledges the page. Real RQ workers place the calls through the sandbox; the simulator
plays the supervisor; the clock is frozen and due jobs are run as RQ's scheduler would."""
from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import enqueue_due_jobs, run_burst
from sandbox import press
from sandbox.simulator import Simulator
from tickets import paging
from tickets.models import Ticket, TicketEvent

SUPERVISOR = "+8613900000001"
NIGHT = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)  # Tuesday 22:00 in Shanghai


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, supervisor_phone=SUPERVISOR, outbound_calls_per_second=100.0,
                               outbound_sms_per_second=100.0, page_max_attempts=3, page_retry_minutes=5)


@pytest.fixture
def sim(app, clock):
    clock.set(NIGHT)
    return Simulator(app)


def _urgent_message(app) -> Ticket:
    """An urgent message filed after hours, as the voicemail receiver files it (it pages the supervisor)."""
    from tickets import cases
    from tickets.notices import page_supervisor

    with app.app_context():
        session = db.session()
        ticket = cases.open_ticket(session, category="urgent", priority="urgent", actor="caller",
                                   channel="voicemail", language="zh-CN", callback_requested=True, notify=False)
        page_supervisor(session, ticket)
        session.commit()
        session.expunge(ticket)
        return ticket


def _events(app, ticket: Ticket, kind: str) -> list[TicketEvent]:
    with app.app_context():
        events = list(db.session().scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                                     TicketEvent.kind == kind)
                                           .order_by(TicketEvent.id)))
        db.session().expunge_all()
        return events


def _play(app, sim) -> None:
    """What RQ's scheduler and a worker do by now, then the phone network plays the calls out."""
    enqueue_due_jobs(app, ("outbound",))
    run_burst(app, ("outbound",))
    sim.run()


def _pages(sim) -> list[dict]:
    return [c for c in sim.sandbox.calls if c["to"] == SUPERVISOR]


@pytest.mark.parametrize("language, heard, thanks", [("zh-CN", "紧急事务", "已确认"),
                                                     ("en-US", "urgent matter", "Acknowledged")])
def test_acknowledged_on_the_first_call_in_the_centers_language(app, settings, sim, clock, language, heard,
                                                                thanks):
    app.config["HOTLINE_SETTINGS"] = dataclasses.replace(settings, default_language=language)
    sim.customer(SUPERVISOR, answer="human", inputs=[press("1")])
    ticket = _urgent_message(app)
    _play(app, sim)
    [call] = _pages(sim)
    leg = sim.find(call["sid"])
    spoken = " ".join(leg.said)
    assert paging.spelled(ticket.number) in spoken and heard in spoken and thanks in spoken
    [ack] = _events(app, ticket, "page_acknowledged")
    assert ack.data == {"attempt": 1, "who": "+86*******0001"} and SUPERVISOR not in ack.actor
    assert [e.data["outcome"] for e in _events(app, ticket, "page_attempt_ended")] == ["acknowledged"]
    assert [e.data["call_sid"] for e in _events(app, ticket, "page_call")] == [call["sid"]]
    clock.advance(minutes=30)
    _play(app, sim)
    assert len(_pages(sim)) == 1  # acknowledged: nobody is called again


def test_the_prompt_is_asked_twice_inside_one_gather(app, twilio):
    ticket = _urgent_message(app)
    response = twilio.post(f"/voice/page/answer?ticket={ticket.id}&attempt=1",
                           twilio.call_params(Direction="outbound-api", CallStatus="in-progress"))
    from tests.support.twiml import twiml

    doc = twiml(response)
    gather = doc.find("Gather")
    assert gather.get("numDigits") == "1"
    says = [s.text for s in gather.iter("Say")]
    assert len(says) == 2 and says[0] == says[1] and paging.spelled(ticket.number) in says[0]


@pytest.mark.parametrize("first", ["no-answer", "busy"])
def test_not_answered_then_acknowledged_on_the_second_attempt(app, sim, clock, settings, first):
    sim.customer(SUPERVISOR, answer=first)
    ticket = _urgent_message(app)
    _play(app, sim)
    assert len(_pages(sim)) == 1
    assert [e.data["outcome"] for e in _events(app, ticket, "page_attempt_ended")] == [first]
    clock.advance(minutes=settings.page_retry_minutes - 1)
    _play(app, sim)
    assert len(_pages(sim)) == 1  # not yet due
    sim.customer(SUPERVISOR, answer="human", inputs=[press("1")])
    clock.advance(minutes=2)
    _play(app, sim)
    assert len(_pages(sim)) == 2
    [ack] = _events(app, ticket, "page_acknowledged")
    assert ack.data["attempt"] == 2
    assert [e.data["attempt"] for e in _events(app, ticket, "page_call")] == [1, 2]
    assert _events(app, ticket, "page_unanswered") == []


def test_never_acknowledged_stops_after_the_last_attempt(app, sim, clock, settings, caplog):
    sim.customer(SUPERVISOR, answer="human", inputs=[press("9")])  # answers, presses the wrong key
    ticket = _urgent_message(app)
    with caplog.at_level(logging.WARNING, logger="tickets.page_calls"):
        for _ in range(settings.page_max_attempts + 2):
            _play(app, sim)
            clock.advance(minutes=settings.page_retry_minutes + 1)
    assert len(_pages(sim)) == settings.page_max_attempts
    assert [e.data["outcome"] for e in _events(app, ticket, "page_attempt_ended")] == \
        ["not_acknowledged"] * settings.page_max_attempts
    [gave_up] = _events(app, ticket, "page_unanswered")
    assert gave_up.data == {"attempts": settings.page_max_attempts}
    assert _events(app, ticket, "page_acknowledged") == []
    assert any("not acknowledged after 3 calls" in r.getMessage() for r in caplog.records)
    assert SUPERVISOR not in caplog.text


def _outbound(sid: str, **extra: str) -> dict[str, str]:
    params = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": "+15005550006", "To": SUPERVISOR,
              "Direction": "outbound-api", "CallStatus": "in-progress"}
    params.update(extra)
    return params


def test_duplicate_and_out_of_order_callbacks_leave_one_ack_and_one_retry(app, sim, clock, twilio, settings):
    ticket = _urgent_message(app)
    sid = "CA" + "5" * 32
    base = f"?ticket={ticket.id}&attempt=1"
    # The call's end arrives before the key press it carried, twice.
    for _ in range(2):
        assert twilio.post("/voice/page/status" + base, _outbound(sid, CallStatus="completed")).status_code == 204
    for _ in range(2):
        assert twilio.post("/voice/page/ack" + base, _outbound(sid, Digits="1")).status_code == 200
    assert len(_events(app, ticket, "page_acknowledged")) == 1
    assert len(_events(app, ticket, "page_attempt_ended")) == 1
    # The first attempt's job and the retry the early status scheduled find the page acknowledged.
    clock.advance(minutes=settings.page_retry_minutes + 1)
    _play(app, sim)
    assert _pages(sim) == [] and _events(app, ticket, "page_call") == []


def test_a_forged_webhook_is_refused_and_records_nothing(app, twilio):
    ticket = _urgent_message(app)
    base = f"?ticket={ticket.id}&attempt=1"
    sid = "CA" + "6" * 32
    assert twilio.post("/voice/page/ack" + base, _outbound(sid, Digits="1"), signature="forged").status_code == 403
    assert twilio.post("/voice/page/status" + base, _outbound(sid, CallStatus="busy"),
                       signature="forged").status_code == 403
    assert _events(app, ticket, "page_acknowledged") == [] and _events(app, ticket, "page_attempt_ended") == []


def test_the_next_step_after_an_attempt():
    at = NIGHT
    assert paging.after_attempt(1, True, 6, 5, at).action == "stop"
    assert paging.after_attempt(2, False, 6, 5, at) == paging.NextStep("retry", 3, at + timedelta(minutes=5))
    assert paging.after_attempt(6, False, 6, 5, at).action == "give_up"
    assert paging.after_attempt(6, True, 6, 5, at).action == "stop"
    assert paging.outcome_of("completed") == "not_acknowledged" and paging.outcome_of("busy") == "busy"


@pytest.mark.slow  # the live simulator in real time
def test_over_real_http_the_live_simulator_acknowledges_the_page(app, live_server, settings):
    """The same page with every webhook a real HTTP request to a served app (the live simulator)."""
    import time

    from sandbox.simulator.live import LiveSimulator

    sandbox = app.extensions["hotline.sandbox"]
    live = LiveSimulator(sandbox, settings, live_server.url, speed=20)
    try:
        live.sim.customer(SUPERVISOR, answer="human", inputs=[press("1")])
        ticket = _urgent_message(app)
        run_burst(app, ("outbound",))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _events(app, ticket, "page_attempt_ended"):
            time.sleep(0.1)
    finally:
        live.stop()
    [ack] = _events(app, ticket, "page_acknowledged")
    assert ack.data["attempt"] == 1
    [call] = [c for c in sandbox.calls if c["to"] == SUPERVISOR]
    assert any(paging.spelled(ticket.number) in text for text in live.sim.find(call["sid"]).said)
