"""Outside business hours: the night queue when night agents are signed in, otherwise a message
that tickets turn into a callback request."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from hotline.contracts import AgentsOnShift, provide, withdraw
from tests.ivr.conftest import DAYTIME, HOLIDAY, NIGHT, OWNER, call_row, ivr_steps


@pytest.fixture
def night_agents(app):
    """Routing's contract: callable(skill, language) -> agents signed in who can take it."""
    signed_in: dict[str, int] = {}
    asked: list[tuple[str, str | None]] = []

    def agents_on_shift(skill: str, language: str | None) -> int:
        asked.append((skill, language))
        return signed_in.get(skill, 0)

    provide(app, AgentsOnShift, SimpleNamespace(agents_on_shift=agents_on_shift), replace=True)
    return signed_in, asked


@pytest.mark.parametrize("language,key", [("zh-CN", "1"), ("en-US", "2")])
def test_night_with_night_agents_goes_to_the_night_queue_keeping_the_category(clock, caller, announced,
                                                                               night_agents, language, key):
    signed_in, asked = night_agents
    signed_in["night"] = 2
    clock.set(NIGHT)
    call = caller()
    call.dial()
    call.press(key)
    twiml = call.press("3")
    assert twiml.redirect_query() == {"queue": "night", "priority": "4", "lang": language}
    assert announced.routed[0]["category"] == "complaint"
    assert asked == [("night", language)]


def test_daytime_never_asks_for_night_agents(clock, caller, night_agents):
    clock.set(DAYTIME)
    call = caller()
    call.dial()
    call.press("1")
    assert call.press("1").redirect_query()["queue"] == "inquiry"
    assert night_agents[1] == []


@pytest.mark.parametrize("moment", [NIGHT, HOLIDAY])
def test_nobody_on_shift_means_a_recorded_message(app, clock, caller, announced, night_agents, settings, moment):
    clock.set(moment)
    call = caller()
    call.dial()
    call.press("1")
    twiml = call.press("2")
    assert twiml.verbs == ["Say", "Record", "Redirect"]
    assert "现在是非工作时间" in twiml.said()
    record = twiml.root.find("Record")
    assert record.get("action").startswith("/voice/ivr/voicemail?")
    assert record.get("finishOnKey") == "#" and record.get("playBeep") == "true"
    assert int(record.get("maxLength")) >= 60
    assert record.get("recordingStatusCallback") == settings.public_base_url + "/recordings/status#rc=5&rp=5xx,ct,rt"
    assert twiml.redirect().startswith("/voice/ivr/voicemail/missed?")
    assert announced.routed == []
    assert ivr_steps(app, call.sid)[-1]["result"] == "voicemail-offered"

    thanks = call.leave_message("RE" + "a" * 32)
    assert thanks.verbs == ["Say", "Hangup"] and "您的留言已收到" in thanks.said()
    assert announced.voicemails == [{"call_sid": call.sid, "recording_sid": "RE" + "a" * 32, "language": "zh-CN",
                                     "category": "problem", "priority": 3}]  # what the caller chose travels on
    step = ivr_steps(app, call.sid)[-1]
    assert step["result"] == "voicemail" and step["category"] == "problem"
    assert call_row(app, call.sid).language == "zh-CN"


def test_nobody_signed_in_for_the_night_means_a_message(app, clock, caller):
    """Routing's own agents_on_shift, with no agent signed in."""
    clock.set(NIGHT)
    call = caller()
    call.dial()
    call.press("2")
    twiml = call.press("0")
    assert "Record" in twiml.verbs and "Our agents are not available right now" in twiml.said()


def test_a_retried_record_action_makes_one_message(clock, caller, announced):
    clock.set(NIGHT)
    call = caller()
    call.dial()
    call.press("2")
    offer = call.press("1")
    call.leave_message("RE" + "b" * 32)
    call.last = offer
    call.leave_message("RE" + "b" * 32)
    assert len(announced.voicemails) == 1


def test_recording_sid_is_taken_from_the_url_when_missing(clock, caller, announced, twilio):
    clock.set(NIGHT)
    call = caller()
    call.dial()
    call.press("1")
    offer = call.press("1")
    action = offer.root.find("Record").get("action")
    url = f"https://api.twilio.com/2010-04-01/Accounts/AC{'0' * 32}/Recordings/RE{'c' * 32}"
    twilio.post(action, call.params(RecordingUrl=url, RecordingDuration="9"))
    assert announced.voicemails[0]["recording_sid"] == "RE" + "c" * 32


def test_a_silent_recording_is_offered_once_more_then_goodbye(app, clock, caller, announced):
    clock.set(NIGHT)
    call = caller()
    call.dial()
    call.press("2")
    call.press("1")
    again = call.stay_silent()
    assert again.verbs == ["Say", "Say", "Record", "Redirect"]
    assert again.says()[0].text.startswith("Sorry, we did not hear a message")
    goodbye = call.stay_silent()
    assert goodbye.verbs == ["Say", "Say", "Hangup"] and "Thank you for calling" in goodbye.said()
    assert announced.voicemails == []


def test_wrong_keys_at_night_end_in_a_message_not_a_hang_up(clock, caller):
    clock.set(NIGHT)
    call = caller()
    call.dial()
    call.press("1")
    for _ in range(3):
        twiml = call.press("9")
    assert "Record" in twiml.verbs


def test_ticket_status_works_at_night_without_anyone_on_shift(clock, caller, ticket_book):
    clock.set(NIGHT)
    call = caller(OWNER)
    call.dial()
    call.press("1")
    call.press("5")
    call.press("1")
    assert "正在处理中" in call.press("20261123007").said()


def test_without_routing_s_contract_nobody_is_on_shift(app, clock, caller):
    withdraw(app, AgentsOnShift)
    clock.set(NIGHT)
    call = caller()
    call.dial()
    call.press("1")
    assert "Record" in call.press("4").verbs
