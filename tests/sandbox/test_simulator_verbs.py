"""The simulator follows each TwiML verb the way Twilio does (TWILIO_NOTES.md)."""
from __future__ import annotations

from datetime import timedelta

from sandbox import hangup, press, say, silence
from tests.sandbox.twiml_app import TwimlApp

BASE = "http://127.0.0.1:5000"


def test_say_pause_and_hangup_take_virtual_time(app, simulator, clock):
    start = clock.now()
    TwimlApp(app, {"/a": '<Say language="en-US">Hello there caller</Say><Pause length="4"/><Hangup/><Say>never</Say>'})
    call = simulator.call(url="/twiml/a")
    simulator.run()
    assert call.said == ["Hello there caller"]
    assert call.status == "completed"
    # 3 words at 2.5 words/s, then 4 s of pause
    assert call.ended_at == 1.2 + 4
    assert call.duration == 6
    assert clock.now() == start + timedelta(seconds=5.2)
    assert not simulator.errors


def test_gather_digits_stop_at_finish_on_key_and_go_to_the_action(app, simulator):
    twiml = TwimlApp(app, {
        "/menu": '<Gather action="choice?step=2" numDigits="3"><Say>Press</Say></Gather><Say>No input</Say>',
        "/choice": lambda form, args: f"<Say>You chose {form['Digits']} at step {args['step']}</Say>",
    })
    call = simulator.call(url="/twiml/menu", inputs=[press("12#")])
    simulator.run()
    assert call.said == ["Press", "You chose 12 at step 2"]
    assert twiml.forms("/choice")[0]["FinishedOnKey"] == "#"
    assert "No input" not in call.said


def test_gather_num_digits_submits_at_once_and_cuts_extra_keys(app, simulator):
    twiml = TwimlApp(app, {"/menu": '<Gather numDigits="1" action="/twiml/got"/>', "/got": "<Hangup/>"})
    call = simulator.call(url="/twiml/menu", inputs=[press("42", after=2)])
    simulator.run()
    assert twiml.forms("/got")[0]["Digits"] == "4"
    # 2 s before the first key, 0.3 s to the second: no timeout wait when numDigits is reached
    assert call.ended_at == 2.3


def test_gather_action_defaults_to_the_current_url_with_its_query(app, simulator):
    twiml = TwimlApp(app, {"/menu": lambda form, args: (
        "<Hangup/>" if form.get("Digits") else '<Gather timeout="3"><Say>Choose</Say></Gather>')})
    simulator.call(url="/twiml/menu?lang=zh-CN", inputs=[press("5")])
    simulator.run()
    paths = [(p, args, form.get("Digits")) for p, args, form, _ in twiml.seen]
    assert paths == [("/menu", {"lang": "zh-CN"}, None), ("/menu", {"lang": "zh-CN"}, "5")]


def test_silence_falls_through_to_the_next_verb_without_calling_the_action(app, simulator):
    twiml = TwimlApp(app, {"/menu": '<Gather action="/twiml/never" timeout="7"><Say>Choose</Say></Gather>'
                                    '<Say>We did not hear you</Say><Redirect>/twiml/menu2</Redirect>',
                           "/menu2": "<Say>Goodbye</Say>", "/never": "<Say>wrong</Say>"})
    call = simulator.call(url="/twiml/menu", inputs=[silence()])
    simulator.run()
    assert call.said == ["Choose", "We did not hear you", "Goodbye"]
    assert twiml.forms("/never") == []


def test_a_late_key_press_is_silence_and_action_on_empty_result_calls_the_action(app, simulator):
    twiml = TwimlApp(app, {"/menu": '<Gather action="/twiml/got" timeout="3" actionOnEmptyResult="true"/>',
                           "/got": "<Hangup/>"})
    call = simulator.call(url="/twiml/menu", inputs=[press("1", after=5)])
    simulator.run()
    assert twiml.forms("/got")[0]["Digits"] == ""
    assert call.ended_at == 3


def test_speech_gather_sends_speech_result_and_ignores_keys_it_does_not_listen_for(app, simulator):
    twiml = TwimlApp(app, {"/ask": '<Gather input="speech" language="zh-CN" action="/twiml/heard"/>'
                                   '<Redirect>/twiml/ask</Redirect>',
                           "/heard": "<Hangup/>"})
    call = simulator.call(url="/twiml/ask", inputs=[press("1"), say("我的宽带断了", confidence=0.8)])
    simulator.run()
    heard = twiml.forms("/heard")[0]
    assert heard["SpeechResult"] == "我的宽带断了" and heard["Confidence"] == "0.80"
    assert len(twiml.forms("/ask")) == 2
    assert call.speech_sent == ["我的宽带断了"]


def test_redirect_resolves_relative_urls_against_the_request_url(app, simulator):
    twiml = TwimlApp(app, {"/a/b": "<Redirect>../c?x=1</Redirect>", "/c": "<Hangup/>"})
    call = simulator.call(url="/twiml/a/b")
    simulator.run()
    assert [(p, a) for p, a, _f, _t in twiml.seen] == [("/a/b", {}), ("/c", {"x": "1"})]
    assert call.urls == [f"{BASE}/twiml/a/b", f"{BASE}/twiml/c?x=1"]


def test_caller_hangup_input_and_hangup_after(app, simulator):
    TwimlApp(app, {"/menu": "<Gather><Say>Choose</Say></Gather><Redirect>/twiml/menu</Redirect>"})
    quitter = simulator.call(url="/twiml/menu", inputs=[hangup(after=2)])
    waiter = simulator.call(url="/twiml/menu", hangup_after=30)
    simulator.run()
    assert quitter.status == waiter.status == "completed"
    assert quitter.ended_at == 0.5 + 2
    assert waiter.ended_at == 30 and waiter.duration == 30


def test_application_errors_end_the_call_like_twilio(app, simulator):
    TwimlApp(app, {"/bad": "<Say>unclosed", "/empty": ""})
    broken = simulator.call(url="/twiml/bad")
    empty = simulator.call(url="/twiml/empty")
    missing = simulator.call(url="/twiml/missing")
    simulator.run()
    assert "12100" in broken.errors[0]
    assert "12100" in empty.errors[0]  # an empty body is no TwiML document
    assert "HTTP 404" in missing.errors[0]
    assert all(call.status == "completed" for call in (broken, empty, missing))
    assert len(simulator.errors) == 3


def test_every_request_carries_a_signature_the_app_accepts_and_a_changed_one_is_refused(app, simulator):
    TwimlApp(app, {"/a": "<Say>hi</Say>"})
    call = simulator.call(url="/twiml/a")
    simulator.run()
    sent = [r for r in simulator.requests if r.call_sid == call.sid]
    assert [r.kind for r in sent] == ["twiml", "status"]
    assert all(r.status < 400 for r in sent)
    assert sent[0].params["CallStatus"] == "ringing" and sent[0].params["Direction"] == "inbound"
    tampered = sent[1]
    tampered.params["CallDuration"] = "999"
    assert simulator.replay(tampered).status == 403


def test_the_app_clock_follows_virtual_time_across_concurrent_calls(app, simulator, clock):
    start = clock.now()
    twiml = TwimlApp(app, {"/a": '<Pause length="10"/><Redirect>/twiml/b</Redirect>', "/b": "<Hangup/>"})
    simulator.call(url="/twiml/a", at=0)
    simulator.call(url="/twiml/a", at=3)
    simulator.run()
    times = [(path, (at - start).total_seconds()) for path, _a, _f, at in twiml.seen]
    assert times == [("/a", 0), ("/a", 3), ("/b", 10), ("/b", 13)]


def test_get_actions_carry_the_parameters_in_the_signed_query_string(app, simulator):
    twiml = TwimlApp(app, {"/menu": '<Gather method="GET" action="/twiml/got?menu=main"/>', "/got": "<Hangup/>"})
    simulator.call(url="/twiml/menu", inputs=[press("7")])
    simulator.run()
    path, args, form, _ = twiml.seen[-1]
    assert path == "/got" and form == {}
    assert args["menu"] == "main" and args["Digits"] == "7" and args["CallSid"] == simulator.calls[0].sid
    assert not simulator.errors


def test_a_key_pressed_during_the_prompt_cuts_it_short(app, simulator):
    twiml = TwimlApp(app, {"/menu": '<Gather numDigits="1" action="/twiml/got"><Say>One two three four five six seven '
                                    'eight nine ten</Say><Say>never heard</Say></Gather>', "/got": "<Hangup/>"})
    call = simulator.call(url="/twiml/menu", inputs=[press("3", after=1.5, during=True)])
    simulator.run()
    assert twiml.forms("/got")[0]["Digits"] == "3"
    assert call.ended_at == 1.5
    assert call.said == ["One two three four five six seven eight nine ten"]


def test_advancing_the_app_clock_between_runs_is_kept(app, simulator, clock):
    start = clock.now()
    twiml = TwimlApp(app, {"/a": "<Hangup/>"})
    simulator.call(url="/twiml/a")
    simulator.run()
    clock.advance(hours=24)  # e.g. a test moving on to the next day
    simulator.call(url="/twiml/a", at=simulator.now + 10)
    simulator.run()
    times = [at - start for _p, _a, _f, at in twiml.seen]
    assert times == [timedelta(0), timedelta(hours=24, seconds=10)]


def test_a_webhook_slower_than_twilio_waits_is_an_application_error(app, simulator):
    import time

    def slow(form, args):
        time.sleep(0.2)
        return "<Say>too late</Say>"

    TwimlApp(app, {"/slow": slow})
    simulator.transport.wait_seconds = 0.1  # Twilio waits 15 s; the rule, not the number, is under test
    call = simulator.call(url="/twiml/slow")
    simulator.run()
    assert call.said == [] and "no answer within 0.1 s" in call.errors[0]
