"""Status callbacks acknowledge only work they made durable, and a call's end is never lost:
a failed database write answers 503 (Twilio retries with connection overrides), and a receiver of
`call_ended` that failed (Redis down) is replayed later."""
from __future__ import annotations

from sqlalchemy import select

from hotline import db
from hotline.circuit_breaker import CircuitBreaker
from hotline.models import Call
from tests.support.processes import closed_port

SID = "CA" + "5" * 32


def _call(app) -> Call:
    with app.app_context():
        return db.session().scalars(select(Call).where(Call.sid == SID)).one()


def test_a_status_whose_write_failed_answers_503_and_its_retry_records_it(app, twilio, table_gone):
    twilio.post("/voice/status", twilio.call_params(SID, CallStatus="in-progress"))
    with table_gone("call_events"):
        response = twilio.post("/voice/status", twilio.call_params(SID, CallStatus="completed", CallDuration="7"))
        assert response.status_code == 503  # not a 200 with an apology TwiML: nothing was kept
    assert _call(app).status == "in-progress"
    retried = twilio.post("/voice/status", twilio.call_params(SID, CallStatus="completed", CallDuration="7"))
    assert retried.status_code == 204
    call = _call(app)
    assert call.status == "completed" and call.duration_seconds == 7 and call.end_announced_at is not None


def test_a_call_end_routing_could_not_take_is_replayed_once_redis_is_back(app, twilio, clock):
    from hotline.redis_client import guarded_client
    from hotline.voice import replay_call_ends
    from routing.models import RoutedCall

    twilio.post("/voice/route?queue=inquiry", twilio.call_params(SID, CallStatus="in-progress"))  # no agent: waits
    working = app.extensions["hotline.redis"]
    app.extensions["hotline.redis"] = guarded_client(f"redis://127.0.0.1:{closed_port()}/0", connect_timeout=0.25,
                                                     read_timeout=0.5, breaker=CircuitBreaker(3, 5.0))
    try:
        response = twilio.post("/voice/status", twilio.call_params(SID, CallStatus="completed", CallDuration="30"))
    finally:
        app.extensions["hotline.redis"] = working
    assert response.status_code == 204  # the status is kept; only the announcement waits
    call = _call(app)
    assert call.status == "completed" and call.end_announced_at is None
    with app.app_context():
        assert replay_call_ends() == 0  # too fresh: its own callback may still be retried
    clock.advance(31)
    with app.app_context():
        assert replay_call_ends() == 1
        assert replay_call_ends() == 0
        routed = db.session().scalars(select(RoutedCall).where(RoutedCall.call_sid == SID)).one()
        assert routed.outcome == "abandoned"  # routing took the caller out of the line
    assert _call(app).end_announced_at is not None
