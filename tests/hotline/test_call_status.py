"""Status callbacks are idempotent and never move a call backwards."""
import itertools

import pytest
from sqlalchemy import select

from hotline import db
from hotline.models import Call
from hotline.contracts import MenuCalls, need
from tests.support.twiml import twiml

SID = "CA" + "3" * 32
LIFE = [("initiated", {}), ("ringing", {}), ("in-progress", {}), ("completed", {"CallDuration": "42"})]


def _call(app):
    with app.app_context():
        return db.session().scalars(select(Call).where(Call.sid == SID)).one()


def _post_all(twilio, order):
    for status, extra in order:
        response = twilio.post("/voice/status", twilio.call_params(SID, CallStatus=status, **extra))
        assert response.status_code == 204


def test_the_normal_order_records_each_step(app, twilio):
    _post_all(twilio, LIFE)
    call = _call(app)
    assert call.status == "completed" and call.duration_seconds == 42
    assert call.answered_at is not None and call.ended_at is not None
    with app.app_context():
        call = db.session().scalars(select(Call).where(Call.sid == SID)).one()
        assert [e.data["status"] for e in call.events] == ["initiated", "ringing", "in-progress", "completed"]


def test_replayed_twice_leaves_one_call_and_one_event_per_step(app, twilio):
    _post_all(twilio, LIFE + LIFE)
    with app.app_context():
        calls = db.session().scalars(select(Call)).all()
        assert len(calls) == 1
        assert len(calls[0].events) == 4


@pytest.mark.parametrize("order", list(itertools.permutations(LIFE))[::5])
def test_any_order_ends_completed(app, twilio, order):
    _post_all(twilio, list(order))
    call = _call(app)
    assert call.status == "completed"
    assert call.duration_seconds == 42


def test_late_ringing_does_not_reopen_a_completed_call(app, twilio):
    _post_all(twilio, [("completed", {"CallDuration": "5"}), ("ringing", {})])
    assert _call(app).status == "completed"


def test_missing_callsid_is_a_clear_400(twilio):
    response = twilio.post("/voice/status", {"CallStatus": "completed"})
    assert response.status_code == 400


def test_incoming_call_answers_twiml_and_the_call_is_stored_when_settled(app, twilio, clock):
    arrived = clock.now()
    twiml(twilio.post("/voice/incoming", twilio.call_params(SID)))  # answered with TwiML
    clock.advance(30)
    with app.app_context():
        assert db.session().scalars(select(Call).where(Call.sid == SID)).first() is None  # answered from Redis
        need(MenuCalls, app).settle_call(SID)
    call = _call(app)
    assert call.direction == "inbound" and call.from_number == "+8613800138000" and call.status == "ringing"
    assert call.created_at == arrived  # when the call came, not when it was settled


def test_twilios_duration_is_kept_when_we_ended_the_call_first(app, twilio):
    from hotline.calls import apply_status, ensure_call

    with app.app_context():
        session = db.session()
        apply_status(session, ensure_call(session, SID, {"CallStatus": "in-progress"}), "completed")
        session.commit()
    _post_all(twilio, [("completed", {"CallDuration": "61"})])
    call = _call(app)
    assert call.duration_seconds == 61
    with app.app_context():
        call = db.session().scalars(select(Call).where(Call.sid == SID)).one()
        assert [e.data["status"] for e in call.events] == ["in-progress", "completed"]
