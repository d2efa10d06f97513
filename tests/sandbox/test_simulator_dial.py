"""<Dial> to agents (rings, answers, busy, no-answer), recordings, and <Record>."""
from __future__ import annotations

import io
import wave

from sqlalchemy import select

from hotline import db
from hotline.gateway import get_gateway
from sandbox import record
from recordings.models import Recording
from tests.sandbox.twiml_app import TwimlApp

DIAL = ('<Dial timeout="{timeout}" action="/twiml/done" record="record-from-answer-dual" '
        'recordingStatusCallback="/recordings/status">{nouns}</Dial><Say>after dial</Say>')


def test_the_first_agent_to_answer_wins_and_the_action_gets_the_dial_result(app, simulator):
    nouns = "<Client>alice</Client><Number>+8613900000001</Number>"
    twiml = TwimlApp(app, {"/in": DIAL.format(timeout=20, nouns=nouns), "/done": "<Say>Thanks</Say>"})
    simulator.agent("client:alice", answer_after_rings=3, talk_seconds=30)
    simulator.agent("+8613900000001", answer_after_rings=2, talk_seconds=50)
    call = simulator.call(url="/twiml/in")
    simulator.run()
    alice, mobile = (c for c in simulator.calls if c.role == "agent")
    assert alice.to == "client:alice" and alice.status == "canceled"
    assert mobile.status == "completed" and mobile.parent is call and mobile.direction == "outbound-dial"
    done = twiml.forms("/done")[0]
    assert done["DialCallStatus"] == "completed" and done["DialCallSid"] == mobile.sid
    assert done["DialCallDuration"] == "50" and done["DialBridged"] == "true"
    assert call.said == ["Thanks"]  # the action's TwiML, not the verb after <Dial>
    assert call.ended_at == 10 + 50 + 0.5  # two 5 s rings


def test_ringing_longer_than_the_timeout_is_no_answer_and_busy_comes_back_at_once(app, simulator):
    twiml = TwimlApp(app, {"/slow": DIAL.format(timeout=15, nouns="<Client>slow</Client>"),
                           "/busy": DIAL.format(timeout=15, nouns="<Client>busy</Client>"),
                           "/done": "<Hangup/>"})
    simulator.agent("client:slow", answer_after_rings=4)  # 20 s > 15 s
    simulator.agent("client:busy", behaviour="busy")
    slow = simulator.call(url="/twiml/slow")
    busy = simulator.call(url="/twiml/busy")
    simulator.run()
    results = {f["CallSid"]: f["DialCallStatus"] for f in twiml.forms("/done")}
    assert results == {slow.sid: "no-answer", busy.sid: "busy"}
    assert slow.ended_at == 15 and busy.ended_at == 1
    assert all(not c.recordings for c in (slow, busy))


def test_dial_without_action_continues_with_the_next_verb(app, simulator):
    TwimlApp(app, {"/in": '<Dial timeout="5"><Sip>sip:desk@pbx.example.com</Sip></Dial><Say>Nobody answered</Say>'})
    simulator.agent("sip:desk@pbx.example.com", behaviour="no-answer")
    call = simulator.call(url="/twiml/in")
    simulator.run()
    assert call.said == ["Nobody answered"]


def test_a_caller_who_hangs_up_mid_conversation_ends_both_legs(app, simulator):
    twiml = TwimlApp(app, {"/in": DIAL.format(timeout=30, nouns="<Client>alice</Client>"), "/done": "<Say>x</Say>"})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=600)
    call = simulator.call(url="/twiml/in", hangup_after=100)
    simulator.run()
    agent = next(c for c in simulator.calls if c.role == "agent")
    assert call.ended_at == agent.ended_at == 100
    assert agent.duration == 95  # answered after one 5 s ring
    done = twiml.forms("/done")[0]  # Twilio still tells the action; its TwiML goes nowhere
    assert done["DialCallDuration"] == "95"
    assert call.said == []


def test_dual_channel_recording_reaches_the_recordings_endpoint_and_downloads(app, simulator, tmp_path):
    caller_audio = tmp_path / "caller.wav"
    with wave.open(str(caller_audio), "wb") as wav:  # 16 kHz mono: the sandbox converts it to 8 kHz
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(b"\x10\x27" * 16000 * 3)  # 3 s at a constant 10000
    TwimlApp(app, {"/in": DIAL.format(timeout=30, nouns="<Client>alice</Client>"), "/done": "<Hangup/>"})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=8)
    call = simulator.call(url="/twiml/in", audio=str(caller_audio))
    simulator.run()
    [recording] = call.recordings
    with app.app_context():
        row = db.session().scalars(select(Recording).where(Recording.sid == recording.sid)).one()
        assert row.call_sid == call.sid and row.twilio_status == "completed"
        assert row.channels == 2 and row.duration_seconds == 8
        data = get_gateway().download_recording(row.sid, max_bytes=10**7)
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (2, 8000, 2)
        assert wav.getnframes() == 8 * 8000
        frames = wav.readframes(8000)
    first_caller, first_agent = int.from_bytes(frames[0:2], "little", signed=True), frames[2:4]
    assert first_caller == 10000  # the caller's file on channel 1
    assert first_agent == b"\x00\x00"  # the agent's tone starts at zero phase on channel 2
    last = wav_samples(data)[-2:]  # after 3 s the caller's file has ended: silence
    assert last[0] == 0


def wav_samples(data: bytes) -> list[int]:
    with wave.open(io.BytesIO(data)) as wav:
        frames = wav.readframes(wav.getnframes())
    return [int.from_bytes(frames[i:i + 2], "little", signed=True) for i in range(0, len(frames), 2)]


def test_record_verb_sends_the_action_and_the_recording_callback(app, simulator):
    twiml = TwimlApp(app, {"/vm": '<Say>Leave a message</Say><Record maxLength="60" action="/twiml/saved" '
                                  'recordingStatusCallback="/twiml/rec" finishOnKey="#"/><Say>no message</Say>',
                           "/saved": "<Say>Saved</Say>", "/rec": ""})
    call = simulator.call(url="/twiml/vm", inputs=[record(12, digits="#")])
    quiet = simulator.call(url="/twiml/vm")
    simulator.run()
    saved = twiml.forms("/saved")[0]
    assert saved["RecordingDuration"] == "12" and saved["Digits"] == "#" and saved["CallSid"] == call.sid
    rec = twiml.forms("/rec")[0]
    assert rec["RecordingStatus"] == "completed" and rec["RecordingChannels"] == "1"
    assert rec["RecordingSource"] == "RecordVerb" and rec["RecordingUrl"] == saved["RecordingUrl"]
    assert call.said == ["Leave a message", "Saved"]
    assert quiet.said == ["Leave a message", "no message"]  # silence: no recording, no action


def test_whisper_url_plays_to_the_agent_before_the_bridge(app, simulator):
    from sandbox import press

    twiml = TwimlApp(app, {
        "/in": '<Dial action="/twiml/done"><Client url="/twiml/whisper">{}</Client></Dial>',
        "/whisper": '<Gather numDigits="1" action="/twiml/accept"><Say>Press 1 to accept</Say></Gather><Hangup/>',
        "/accept": lambda form, args: "<Say>Connecting</Say>" if form["Digits"] == "1" else "<Hangup/>",
        "/done": "<Hangup/>"})
    simulator.agent("client:alice", talk_seconds=20, inputs=[press("1")])
    simulator.agent("client:bob", talk_seconds=20, inputs=[press("2")])
    TwimlApp(app, {"/alice": twiml_dial("alice"), "/bob": twiml_dial("bob")})
    to_alice = simulator.call(url="/twiml/alice")
    to_bob = simulator.call(url="/twiml/bob")
    simulator.run()
    alice, bob = (next(c for c in simulator.calls if c.to == f"client:{name}") for name in ("alice", "bob"))
    assert alice.said == ["Press 1 to accept", "Connecting"] and bob.said == ["Press 1 to accept"]
    done = {f["CallSid"]: f for f in twiml.forms("/done")}
    assert done[to_alice.sid]["DialBridged"] == "true" and done[to_alice.sid]["DialCallDuration"] == "20"
    assert done[to_bob.sid]["DialBridged"] == "false" and bob.status == "completed"


def twiml_dial(name: str) -> str:
    return f'<Dial action="/twiml/done"><Client url="/twiml/whisper">{name}</Client></Dial>'


def test_dialing_a_customers_phone_follows_the_customer_script(app, simulator):
    twiml = TwimlApp(app, {"/in": '<Dial action="/twiml/done"><Number>+8613800000007</Number></Dial>',
                           "/done": "<Hangup/>"})
    simulator.customer("+8613800000007", answer_after_rings=2, hangup_after=25)
    simulator.call(url="/twiml/in")
    simulator.run()
    done = twiml.forms("/done")[0]
    assert done["DialCallStatus"] == "completed" and done["DialCallDuration"] == "25"
    assert next(c for c in simulator.calls if c.direction == "outbound-dial").role == "customer"


def test_a_mono_dial_recording_mixes_both_parties_on_one_channel(app, simulator):
    TwimlApp(app, {"/in": '<Dial record="record-from-answer"><Client>alice</Client></Dial>'})
    simulator.agent("client:alice", talk_seconds=4)
    call = simulator.call(url="/twiml/in")
    simulator.run()
    [recording] = call.recordings
    assert recording.channels == 1 and recording.duration == 4
    samples = wav_samples(recording.wav)
    assert len(samples) == 4 * 8000
    assert any(s != 0 for s in samples[:8000]) and all(s == 0 for s in samples[8000:16000])  # tone on, then off


def test_reject_refuses_the_call_without_answering_it(app, simulator):
    TwimlApp(app, {"/busy": '<Reject reason="busy"/>', "/closed": "<Reject/>"})
    busy = simulator.call(url="/twiml/busy")
    closed = simulator.call(url="/twiml/closed")
    simulator.run()
    assert (busy.status, closed.status) == ("busy", "no-answer")
    assert busy.answered_at is None and busy.duration == 0
    final = {r.call_sid: r.params for r in simulator.requests if r.kind == "status"}
    assert final[busy.sid]["CallStatus"] == "busy" and final[busy.sid]["CallDuration"] == "0"


def test_the_app_hangs_up_the_agent_leg_and_the_caller_goes_on_to_the_action(app, simulator):
    from hotline.gateway import get_gateway as gateway

    twiml = TwimlApp(app, {"/in": DIAL.format(timeout=30, nouns="<Client>alice</Client>"),
                           "/done": "<Say>The agent left</Say>"})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    call = simulator.call(url="/twiml/in")
    simulator.run(until=40)
    agent = call.bridged_with
    assert agent is not None and agent.to == "client:alice"
    with app.app_context():
        gateway().hangup_call(agent.sid)
    simulator.run()
    assert agent.status == "completed" and agent.duration == 35
    assert twiml.forms("/done")[0]["DialCallDuration"] == "35"
    assert call.said == ["The agent left"]


def test_redirecting_the_caller_out_of_a_conversation_hangs_up_the_agent(app, simulator):
    from hotline.gateway import get_gateway as gateway

    TwimlApp(app, {"/in": '<Dial><Client>alice</Client></Dial>', "/survey": "<Say>One question</Say>"})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    call = simulator.call(url="/twiml/in")
    simulator.run(until=20)
    agent = call.bridged_with
    with app.app_context():
        gateway().redirect_call(call.sid, "http://127.0.0.1:5000/twiml/survey")
    simulator.run()
    assert agent.status == "completed" and agent.ended_at == 20
    assert call.said == ["One question"] and call.status == "completed"


def test_a_busy_agent_comes_back_busy_while_another_still_rings(app, simulator):
    TwimlApp(app, {"/in": '<Dial><Client>busy</Client><Client>alice</Client></Dial>'})
    simulator.agent("client:busy", behaviour="busy")
    simulator.agent("client:alice", answer_after_rings=2, talk_seconds=10)
    simulator.call(url="/twiml/in")
    simulator.run()
    busy, alice = (c for c in simulator.calls if c.role == "agent")
    assert (busy.status, busy.ended_at) == ("busy", 1.0)
    assert alice.status == "completed" and alice.answered_at == 10


def test_hanging_up_during_the_whisper_is_told_apart_for_agent_and_caller(app, simulator):
    from sandbox import hangup

    twiml = TwimlApp(app, {
        "/whisper": '<Gather numDigits="1"><Say>Press 1 to accept the call from the hotline queue</Say></Gather>',
        "/done": lambda form, args: f"<Say>{form['DialBridged']}</Say>",
        "/alice": '<Dial action="/twiml/done"><Client url="/twiml/whisper">alice</Client></Dial>',
        "/bob": '<Dial action="/twiml/done"><Client url="/twiml/whisper">bob</Client></Dial>'})
    simulator.agent("client:alice", inputs=[hangup(after=1)])  # the agent rejects by hanging up
    simulator.agent("client:bob", inputs=[])
    rejected = simulator.call(url="/twiml/alice")
    gone = simulator.call(url="/twiml/bob", hangup_after=8)  # the caller leaves while bob hears it
    simulator.run()
    alice, bob = (next(c for c in simulator.calls if c.to == f"client:{n}") for n in ("alice", "bob"))
    assert rejected.said == ["false"] and rejected.status == "completed"
    assert alice.status == "completed"
    assert gone.ended_at == 8 and bob.status == "completed" and bob.ended_at == 8
    assert [f["CallSid"] for f in twiml.forms("/done")] == [rejected.sid]
