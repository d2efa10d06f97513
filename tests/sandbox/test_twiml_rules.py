"""Twilio's rules the simulator applies, checked on their own: digits a Gather submits, relative URLs."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sandbox.twiml.document import TwiMLError, parse, resolve, speech_seconds
from sandbox.twiml.gather import cut_digits

keys = st.text(alphabet="0123456789*#", max_size=12)


@given(pressed=keys, num_digits=st.one_of(st.none(), st.integers(1, 6)), finish=st.sampled_from(["#", "*", "", "#*"]))
def test_submitted_digits_stop_at_finish_on_key_or_num_digits(pressed, num_digits, finish):
    digits, key, at_once = cut_digits(pressed, num_digits, finish)
    assert pressed.startswith(digits)
    assert not any(k in digits for k in finish)
    assert num_digits is None or len(digits) <= num_digits
    if key:
        assert at_once and key in finish and pressed[len(digits)] == key
    elif at_once:
        assert len(digits) == num_digits
    else:
        assert digits == pressed  # nothing ended the input: Twilio waits for the timeout


def test_relative_urls_resolve_against_the_request_url():
    base = "https://hotline.example.com/voice/ivr/menu?lang=zh-CN"
    assert resolve(base, "choice") == "https://hotline.example.com/voice/ivr/choice"
    assert resolve(base, "/voice/route?queue=complaint") == "https://hotline.example.com/voice/route?queue=complaint"
    assert resolve(base, "?step=2") == "https://hotline.example.com/voice/ivr/menu?step=2"
    assert resolve(base, None) == base


def test_speech_takes_time_by_language():
    assert speech_seconds("您好，欢迎致电热线服务中心。") == 3.0  # 12 characters
    assert speech_seconds("Welcome to Hotline Service Center.") == 2.0  # 5 words
    assert speech_seconds("") == 0.5


def test_documents_twilio_would_refuse():
    for body in ("<Response><Say>hi</Response>", "<Other/>", "<Response><Dance/></Response>", ""):
        try:
            parse(body)
        except TwiMLError:
            continue
        raise AssertionError(f"accepted {body!r}")
    assert [v.tag for v in parse('<?xml version="1.0"?><Response><Say>hi</Say><Hangup/></Response>')] == [
        "Say", "Hangup"]
