"""<Dial><Conference> and the Conferences/Participants REST resources, over real HTTP (docs/sandbox.md)."""
from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from hotline.gateway.twilio_gateway import RebasedHttpClient
from tests.sandbox.twiml_app import TwimlApp

ROOM = ('<Dial action="/twiml/after"><Conference {attrs} statusCallback="/twiml/conf" '
        'statusCallbackEvent="start end join leave mute hold speaker modify">room</Conference></Dial>')


@pytest.fixture
def twilio_client(app, settings) -> Client:
    sandbox = app.extensions["hotline.sandbox"]
    return Client(settings.twilio_account_sid, settings.twilio_auth_token,
                  http_client=RebasedHttpClient(sandbox.base_url))


def events(twiml: TwimlApp) -> list[tuple[str, str]]:
    return [(form["StatusCallbackEvent"], form.get("CallSid", "")) for form in twiml.forms("/conf")]


def test_a_lone_participant_hears_the_wait_music_until_a_second_joins_and_the_ender_ends_it(app, simulator):
    twiml = TwimlApp(app, {
        "/first": ROOM.format(attrs='endConferenceOnExit="true" waitUrl="/twiml/music"'),
        "/second": ROOM.format(attrs='waitUrl="/twiml/music"'),
        "/music": '<Say>Please hold</Say><Pause length="10"/>',
        "/after": "<Say>The conference is over</Say>",
        "/conf": ""})
    first = simulator.call(from_="+8613800000001", url="/twiml/first", hangup_after=100)
    second = simulator.call(from_="+8613800000002", url="/twiml/second", at=30)
    simulator.run()
    assert not simulator.errors, simulator.errors
    # Alone for 30 s: the wait TwiML played in a loop (about 11 s a round), stopped by the second caller.
    assert first.said.count("Please hold") == 3 and "Please hold" not in second.said
    assert twiml.forms("/music")[0]["FriendlyName"] == "room"
    got = events(twiml)
    assert got[:5] == [("participant-join", first.sid), ("participant-join", second.sid),
                       ("conference-start", ""), ("participant-speech-start", first.sid),
                       ("participant-speech-start", second.sid)]
    assert ("participant-leave", first.sid) in got and ("participant-leave", second.sid) in got
    assert got[-1][0] == "conference-end"
    forms = twiml.forms("/conf")
    assert len({f["ConferenceSid"] for f in forms}) == 1 and forms[0]["ConferenceSid"].startswith("CF")
    assert [int(f["SequenceNumber"]) for f in forms] == list(range(1, len(forms) + 1))
    end = forms[-1]
    assert end["ReasonConferenceEnded"] == "participant-with-end-conference-on-exit-left"
    assert end["CallSidEndingConference"] == first.sid
    join = forms[0]
    assert (join["Muted"], join["Hold"], join["Coaching"], join["EndConferenceOnExit"]) == \
        ("false", "false", "false", "true")
    # The second caller is removed at 100 s and goes on with the Dial's action.
    assert second.said == ["The conference is over"] and second.ended_at == pytest.approx(101.6)  # 1.6 s of speech
    after = [f for f in twiml.forms("/after") if f["CallSid"] == second.sid][0]
    assert after["DialCallStatus"] == "completed" and after["ConferenceSid"] == forms[0]["ConferenceSid"]


def test_start_conference_on_enter_false_waits_for_a_moderator(app, simulator):
    twiml = TwimlApp(app, {
        "/guest": ROOM.format(attrs='startConferenceOnEnter="false" waitUrl="/twiml/music"'),
        "/host": ROOM.format(attrs='endConferenceOnExit="true"'),
        "/music": '<Play>http://example.com/music.mp3</Play>',
        "/after": "<Hangup/>", "/conf": ""})
    guests = [simulator.call(from_=f"+861380000000{n}", url="/twiml/guest", hangup_after=200) for n in (1, 2)]
    host = simulator.call(from_="+8613800000009", url="/twiml/host", at=60, hangup_after=30)
    simulator.run()
    assert not simulator.errors, simulator.errors
    kinds = [kind for kind, _sid in events(twiml)]
    assert kinds.index("conference-start") == 3  # two guests are not enough: the host starts it
    assert all(len(g.played) >= 10 for g in guests)  # 60 s of 5 s music rounds each
    assert all(g.ended_at == pytest.approx(90) for g in guests) and host.ended_at == 90


def test_participants_are_dialed_held_muted_coached_announced_and_removed_through_rest(
        app, simulator, twilio_client):
    twiml = TwimlApp(app, {
        "/caller": ROOM.format(attrs='endConferenceOnExit="true"') + "<Say>after the conference</Say>",
        "/hold": "<Say>Your call is important to us</Say>",
        "/announce": "<Say>A supervisor has joined</Say>",
        "/after": "<Say>after the conference</Say>", "/conf": "", "/agent-status": ""})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    simulator.agent("client:lead", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/twiml/caller", hangup_after=3000)
    assert simulator.run_until(lambda: bool(simulator.conferences.by_sid), limit=30)
    [room] = twilio_client.conferences.list(friendly_name="room")
    assert room.sid.startswith("CF") and room.status == "init"
    base = app.config["HOTLINE_SETTINGS"].public_base_url
    alice = twilio_client.conferences(room.sid).participants.create(
        from_="+15005550006", to="client:alice", label="agent", status_callback=base + "/twiml/agent-status",
        status_callback_event=["answered", "completed"])
    assert alice.call_sid.startswith("CA") and alice.conference_sid == room.sid and alice.status == "queued"
    simulator.run(until=simulator.now + 20)
    assert twilio_client.conferences(room.sid).fetch().status == "in-progress"
    listed = twilio_client.conferences(room.sid).participants.list()
    assert {p.call_sid for p in listed} == {caller.sid, alice.call_sid}
    # Hold with music, then resume.
    held = twilio_client.conferences(room.sid).participants(caller.sid).update(hold=True, hold_url=base + "/twiml/hold")
    assert held.hold is True
    simulator.run(until=simulator.now + 30)
    assert caller.said.count("Your call is important to us") >= 3
    assert twilio_client.conferences(room.sid).participants(caller.sid).fetch().hold is True
    twilio_client.conferences(room.sid).participants(caller.sid).update(hold=False)
    simulator.run(until=simulator.now + 10)
    heard = caller.said.count("Your call is important to us")
    simulator.run(until=simulator.now + 20)
    assert caller.said.count("Your call is important to us") == heard  # the music stopped
    # Mute the agent by label; a supervisor coaches the agent; an announcement for everyone.
    twilio_client.conferences(room.sid).participants("agent").update(muted=True)
    lead = twilio_client.conferences(room.sid).participants.create(
        from_="+15005550006", to="client:lead", coaching=True, call_sid_to_coach=alice.call_sid, muted=False)
    simulator.run(until=simulator.now + 10)
    assert twilio_client.conferences(room.sid).participants(lead.call_sid).fetch().coaching is True
    twilio_client.conferences(room.sid).participants(lead.call_sid).update(coaching=False)  # barge in
    simulator.run(until=simulator.now + 1)
    twilio_client.conferences(room.sid).participants(lead.call_sid).update(coaching=True,
                                                                           call_sid_to_coach=alice.call_sid)
    twilio_client.conferences(room.sid).update(announce_url=base + "/twiml/announce")
    simulator.run(until=simulator.now + 10)
    assert "A supervisor has joined" in caller.said
    got = events(twiml)
    for expected in [("participant-hold", caller.sid), ("participant-unhold", caller.sid),
                     ("participant-mute", alice.call_sid), ("participant-join", lead.call_sid),
                     ("participant-modified", lead.call_sid), ("participant-coaching", lead.call_sid)]:
        assert expected in got
    joined = next(f for f in twiml.forms("/conf") if f["StatusCallbackEvent"] == "participant-join"
                  and f["CallSid"] == lead.call_sid)
    assert joined["Coaching"] == "true" and joined["CallSidToCoach"] == alice.call_sid
    modified = next(f for f in twiml.forms("/conf") if f["StatusCallbackEvent"] == "participant-modified")
    assert modified["Coaching"] == "false" and "CallSidToCoach" not in modified
    coaching = next(f for f in twiml.forms("/conf") if f["StatusCallbackEvent"] == "participant-coaching")
    assert coaching["Coaching"] == "true" and coaching["CallSidToCoach"] == alice.call_sid
    # Remove the supervisor (their leg hangs up), then end the conference: the caller goes on.
    twilio_client.conferences(room.sid).participants(lead.call_sid).delete()
    simulator.run(until=simulator.now + 5)
    assert simulator.find(lead.call_sid).status == "completed"
    with pytest.raises(TwilioRestException) as gone:
        twilio_client.conferences(room.sid).participants(lead.call_sid).fetch()
    assert gone.value.status == 404
    twilio_client.conferences(room.sid).update(status="completed")
    simulator.run()
    assert not simulator.errors, simulator.errors
    assert caller.said[-1] == "after the conference" and caller.status == "completed"
    assert simulator.find(alice.call_sid).status == "completed"
    assert twilio_client.conferences(room.sid).fetch().status == "completed"
    assert twilio_client.conferences.list(friendly_name="room", status="completed")[0].sid == room.sid
    assert events(twiml)[-1][0] == "conference-end"
    statuses = [f["CallStatus"] for f in twiml.forms("/agent-status")]
    assert statuses == ["in-progress", "completed"]


def test_a_participant_who_does_not_answer_never_joins_and_unknown_resources_are_404(app, simulator, twilio_client):
    TwimlApp(app, {"/caller": ROOM.format(attrs=""), "/after": "<Hangup/>", "/conf": ""})
    simulator.agent("client:away", behaviour="no-answer")
    caller = simulator.call(url="/twiml/caller", hangup_after=120)
    simulator.run_until(lambda: bool(simulator.conferences.by_sid), limit=30)
    [room] = twilio_client.conferences.list(friendly_name="room")
    away = twilio_client.conferences(room.sid).participants.create(from_="+15005550006", to="client:away", timeout=15)
    simulator.run()
    assert simulator.find(away.call_sid).status == "no-answer"
    assert caller.status == "completed"
    with pytest.raises(TwilioRestException) as missing:
        twilio_client.conferences("CF" + "0" * 32).fetch()
    assert missing.value.status == 404
    with pytest.raises(TwilioRestException) as missing:
        twilio_client.conferences(room.sid).participants("CA" + "0" * 32).update(muted=True)
    assert missing.value.status == 404


def test_the_callers_leg_is_recorded_in_two_channels_through_the_calls_recordings_resource(
        app, simulator, twilio_client, tmp_path):
    import io
    import wave

    from sqlalchemy import select

    from hotline import db
    from recordings.models import Recording

    caller_audio = tmp_path / "caller.wav"
    with wave.open(str(caller_audio), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x10\x27" * 8000 * 60)  # a constant 10000
    twiml = TwimlApp(app, {"/caller": ROOM.format(attrs='endConferenceOnExit="true"'), "/after": "<Hangup/>",
                           "/conf": "", "/rec": ""})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/twiml/caller", hangup_after=50, audio=str(caller_audio))
    simulator.run_until(lambda: bool(simulator.conferences.by_sid), limit=30)
    [room] = twilio_client.conferences.list(friendly_name="room")
    twilio_client.conferences(room.sid).participants.create(from_="+15005550006", to="client:alice")
    simulator.run(until=simulator.now + 10)
    base = app.config["HOTLINE_SETTINGS"].public_base_url
    started = twilio_client.calls(caller.sid).recordings.create(
        recording_channels="dual", recording_status_callback=base + "/recordings/status",
        recording_status_callback_event=["in-progress", "completed"])
    assert started.sid.startswith("RE") and started.status == "in-progress"
    start = simulator.now
    simulator.run()
    assert not simulator.errors, simulator.errors
    [recording] = caller.recordings
    assert recording.sid == started.sid and recording.channels == 2
    assert recording.duration == round(caller.ended_at - start)
    with app.app_context():
        row = db.session().scalars(select(Recording).where(Recording.sid == recording.sid)).one()
        assert (row.call_sid, row.channels, row.twilio_status) == (caller.sid, 2, "completed")
    with wave.open(io.BytesIO(recording.wav)) as wav:
        frames = wav.readframes(8000)
    samples = [int.from_bytes(frames[i:i + 2], "little", signed=True) for i in range(0, len(frames), 2)]
    assert set(samples[0::2]) == {10000}  # the caller on channel 1
    assert max(samples[1::2]) > 1000  # the agent's tone on channel 2: what the caller heard
    with pytest.raises(TwilioRestException) as ended:
        twilio_client.calls(caller.sid).recordings.create(recording_channels="dual")
    assert (ended.value.status, ended.value.code) == (400, 21220)


def test_a_leg_recording_stops_when_asked(app, simulator, twilio_client):
    TwimlApp(app, {"/caller": ROOM.format(attrs=""), "/after": "<Hangup/>", "/conf": ""})
    caller = simulator.call(url="/twiml/caller", hangup_after=100)
    simulator.run(until=10)
    started = twilio_client.calls(caller.sid).recordings.create()
    simulator.run(until=40)
    twilio_client.calls(caller.sid).recordings(started.sid).update(status="stopped")
    simulator.run()
    [recording] = caller.recordings
    assert (recording.channels, recording.duration, recording.source) == (1, 30, "StartCallRecordingAPI")
