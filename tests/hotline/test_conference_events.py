"""Conference status callbacks in the calls' history: signed, idempotent, order-tolerant."""
from __future__ import annotations

from sqlalchemy import select

from hotline import db
from hotline.conference_events import conference_name, participant_state
from tests.sandbox.twiml_app import TwimlApp


def _conference_events(app, sid):
    from hotline.models import Call, CallEvent

    with app.app_context():
        session = db.session()
        return [e.data for e in session.scalars(select(CallEvent).join(Call).where(Call.sid == sid,
                                                                                    CallEvent.kind == "conference")
                                                .order_by(CallEvent.id))]


def test_every_conference_callback_is_kept_once_on_its_call_however_often_and_in_whatever_order(
        app, simulator, settings):
    from twilio.rest import Client

    from hotline.gateway.twilio_gateway import RebasedHttpClient

    room = ('<Dial><Conference endConferenceOnExit="true" statusCallback="/voice/conference" '
            'statusCallbackEvent="start end join leave mute hold">{name}</Conference></Dial>')
    caller = simulator.call(url="/twiml/caller", hangup_after=120)
    name = conference_name(caller.sid)
    TwimlApp(app, {"/caller": room.format(name=name)})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    simulator.run_until(lambda: bool(simulator.conferences.by_sid), limit=10)
    client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                    http_client=RebasedHttpClient(app.extensions["hotline.sandbox"].base_url))
    [conference] = client.conferences.list(friendly_name=name)
    agent = client.conferences(conference.sid).participants.create(from_="+15005550006", to="client:alice")
    simulator.run(until=simulator.now + 20)
    client.conferences(conference.sid).participants(caller.sid).update(hold=True)
    simulator.run(until=simulator.now + 20)
    client.conferences(conference.sid).participants(caller.sid).update(hold=False)
    client.conferences(conference.sid).participants(agent.call_sid).update(muted=True)
    simulator.run()
    assert not simulator.errors, simulator.errors
    on_caller = _conference_events(app, caller.sid)
    kinds = [e["event"] for e in on_caller]
    assert kinds == ["participant-join", "conference-start", "participant-hold", "participant-unhold",
                     "participant-leave", "conference-end"]
    assert {e["conference_sid"] for e in on_caller} == {conference.sid}
    on_agent = [e["event"] for e in _conference_events(app, agent.call_sid)]
    assert on_agent == ["participant-join", "participant-mute", "participant-leave"]
    # Twilio repeats and reorders callbacks: nothing more is kept, and the state read back is the same.
    sent = [r for r in simulator.requests if r.kind == "conference"]
    assert all(r.status == 204 for r in sent)
    for request in list(reversed(sent)) * 2:
        assert simulator.replay(request).status == 204
    assert _conference_events(app, caller.sid) == on_caller
    assert participant_state(reversed(on_caller[:4])) == {"muted": False, "hold": False, "coaching": False}
    assert participant_state(reversed(on_caller[:3])) == {"muted": False, "hold": True, "coaching": False}


def test_an_unsigned_conference_callback_is_refused(client):
    form = {"ConferenceSid": "CF" + "0" * 32, "StatusCallbackEvent": "conference-start", "FriendlyName": "x",
            "SequenceNumber": "1"}
    assert client.post("/voice/conference", data=form).status_code == 403
