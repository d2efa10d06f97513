"""Steps in the menu are buffered in Redis and reach the call's history when the caller leaves the
menu, when the call ends, or from the periodic sweep: in order, with the time they happened."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline import db
from hotline.contracts import CallRouted, subscribe, unsubscribe
from hotline.models import Call, CallEvent
from ivr.call_steps import PENDING_KEY, sweep_buffered_steps
from tests.support.twiml import Twiml


def stored_kinds(app, sid: str) -> list[tuple[str, str | None]]:
    with app.app_context():
        call = db.session().scalars(select(Call).where(Call.sid == sid)).one()
        return [(e.kind, e.data.get("node") or e.data.get("status")) for e in call.events]


def test_menu_steps_wait_in_redis_until_the_call_ends(app, caller, twilio, clock):
    call = caller()
    call.dial()
    clock.advance(5)
    call.press("1")
    clock.advance(7)
    call.press("5")
    with app.app_context():  # the menu answered from Redis alone: no row yet
        assert db.session().scalars(select(Call).where(Call.sid == call.sid)).first() is None
    twilio.post("/voice/status", call.params(CallStatus="completed", CallDuration="20"))
    with app.app_context():
        call_row = db.session().scalars(select(Call).where(Call.sid == call.sid)).one()
        events = [e for e in call_row.events if e.kind == "ivr"]
        assert [(e.data["node"], e.data["input"]) for e in events] == [("language", "1"), ("main", "5")]
        assert [int((e.at - call_row.created_at).total_seconds()) for e in events] == [5, 12]
        assert call_row.language == "zh-CN"
        from hotline.redis_client import get_redis

        assert get_redis().zscore(PENDING_KEY, call.sid) is None


def test_leaving_the_menu_writes_the_whole_path_before_routing_hears_of_it(app, caller, announced):
    seen: list[list[str]] = []

    def on_routed(event):
        session = db.session()
        call_id = session.scalar(select(Call.id).where(Call.sid == event.call_sid))
        seen.append([d.get("node") for d in session.scalars(
            select(CallEvent.data).where(CallEvent.call_id == call_id, CallEvent.kind == "ivr"))])

    subscribe(CallRouted, on_routed, app)
    try:
        call = caller()
        call.dial()
        call.press("2")
        call.press("5")
        call.press("2")
    finally:
        unsubscribe(CallRouted, on_routed, app)
    assert seen == [["language", "main", "aftersales"]]


def test_the_sweep_moves_steps_of_calls_whose_end_never_came(app, caller, clock):
    call = caller()
    call.dial()
    call.press("1")
    with app.app_context():
        assert sweep_buffered_steps() == 0  # younger than a minute: the call may still be in the menu
        clock.advance(61)
        assert sweep_buffered_steps() == 1
    assert ("ivr", "language") in stored_kinds(app, call.sid)


def test_the_sweep_is_a_periodic_job(app):
    names = [job.name for job in app.extensions["hotline.periodic"]]
    assert "ivr-sweep-buffered-steps" in names


def test_without_redis_steps_go_straight_to_the_database(app, caller):
    """A Redis outage slows the menu down but never stops it (a real client to a closed port)."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    call = caller()
    call.dial()
    working = app.extensions["hotline.redis"]
    app.extensions["hotline.redis"] = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                                                  retry=Retry(NoBackoff(), 0))
    try:
        twiml = call.press("2")
        assert "How can I help you" in twiml.said()
        twiml = call.press("5")
        assert "To hear the status of a ticket" in twiml.said()
    finally:
        app.extensions["hotline.redis"] = working
    assert [k for k in stored_kinds(app, call.sid) if k[0] == "ivr"] == [("ivr", "language"), ("ivr", "main")]


def test_a_burst_of_exits_is_settled_by_one_job(app, caller, twilio):
    """Leaving the menu writes nothing to the database; one job (not one per call) settles them."""
    from hotline.jobs import get_queue, run_burst

    calls = [caller() for _ in range(3)]
    for call in calls:
        call.dial()
        call.press("1")
        twiml = Twiml(twilio.post(call._action(), call.params(Digits="3")))  # past the helper's settling
        assert "/voice/route" in twiml.redirect()
    with app.app_context():
        assert all(db.session().scalars(select(Call).where(Call.sid == c.sid)).first() is None for c in calls)
        assert get_queue("default").count == 1
    run_burst(app, ("default",), in_process=True)
    for call in calls:
        assert [k for k in stored_kinds(app, call.sid) if k[0] != "status"] == [
            ("incoming", "incoming"), ("ivr", "language"), ("ivr", "main")]
    with app.app_context():
        from tickets.models import TicketCall

        assert {t.call_sid for t in db.session().scalars(select(TicketCall))} == {c.sid for c in calls}


def test_routing_settles_the_path_before_queueing_the_caller(app, caller, twilio, announced):
    call = caller()
    call.dial()
    call.press("2")
    twiml = Twiml(twilio.post(call._action(), call.params(Digits="4")))  # urgent; no job has run
    assert announced.routed == []
    assert twilio.post(twiml.redirect(), call.params()).status_code == 200
    assert [r["category"] for r in announced.routed] == ["urgent"]
    assert ("ivr", "main") in stored_kinds(app, call.sid)
    with app.app_context():
        from routing.models import RoutedCall

        routed = db.session().scalars(select(RoutedCall).where(RoutedCall.call_sid == call.sid)).one()
        assert routed.language == "en-US"  # from the redirect: the caller chose English


def test_a_settle_that_dies_midway_is_finished_by_the_sweep_once(app, caller, twilio):
    """The settler dies after tickets committed (the row, the steps, the ticket) but before Redis
    forgot the steps: the sweep takes them again and writes nothing twice, files nothing twice."""
    from ivr.call_steps import settle
    from tickets.models import TicketCall

    call = caller()
    call.dial()
    call.press("1")
    Twiml(twilio.post(call._action(), call.params(Digits="2")))

    def dies(event):
        raise RuntimeError("worker killed")

    subscribe(CallRouted, dies, app)
    try:
        with app.app_context():
            with pytest.raises(RuntimeError):
                settle(call.sid)
    finally:
        unsubscribe(CallRouted, dies, app)
    with app.app_context():
        assert sweep_buffered_steps(older_than=0) == 1
        assert sweep_buffered_steps(older_than=0) == 0
        assert len(db.session().scalars(select(TicketCall).where(TicketCall.call_sid == call.sid)).all()) == 1
    assert [k for k in stored_kinds(app, call.sid) if k[0] != "status"] == [
        ("incoming", "incoming"), ("ivr", "language"), ("ivr", "main")]


def test_only_one_process_settles_a_call_at_a_time(app, caller):
    from hotline.redis_client import get_redis
    from ivr.call_steps import LOCK_KEY, settle

    call = caller()
    call.dial()
    with app.app_context():
        get_redis().set(LOCK_KEY.format(sid=call.sid), "another process", px=5000)
        assert settle(call.sid, wait=0) is False  # busy: the holder writes them
        assert db.session().scalars(select(Call).where(Call.sid == call.sid)).first() is None
        get_redis().delete(LOCK_KEY.format(sid=call.sid))
        assert settle(call.sid) is True
        assert settle(call.sid) is False  # nothing left: settling twice writes nothing twice
    assert stored_kinds(app, call.sid) == [("status", "ringing"), ("incoming", "incoming")]


def test_without_redis_a_known_caller_is_still_greeted_and_the_arrival_kept(app, caller):
    """The directory lookup falls back to the database and the arrival to a direct write."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from tests.support.factories import add_customer

    add_customer(app, "+14155550100", surname="Smith", title="mr", language="en-US")
    working = app.extensions["hotline.redis"]
    app.extensions["hotline.redis"] = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                                                  retry=Retry(NoBackoff(), 0))
    try:
        twiml = caller("+14155550100").dial()
    finally:
        app.extensions["hotline.redis"] = working
    assert twiml.says()[0].text.startswith("Hello Mr Smith")
    with app.app_context():
        call = db.session().scalars(select(Call).where(Call.from_number == "+14155550100")).one()
        arrival = [e.data for e in call.events if e.kind == "incoming"]
        assert arrival == [{"node": "incoming", "input": "", "via": "", "result": "known-caller", "language": "en-US"}]
        assert call.language == "en-US"
