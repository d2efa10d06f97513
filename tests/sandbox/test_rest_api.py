"""The sandbox speaks Twilio's REST API over real HTTP, as the twilio library calls it."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from hotline.gateway.twilio_gateway import RebasedHttpClient
from sandbox.rest.state import Recording
from sandbox.twiml.audio import channel, wav_bytes


@pytest.fixture
def sandbox(app):
    return app.extensions["hotline.sandbox"]


@pytest.fixture
def twilio_client(sandbox, settings) -> Client:
    return Client(settings.twilio_account_sid, settings.twilio_auth_token,
                  http_client=RebasedHttpClient(sandbox.base_url))


def test_create_fetch_and_update_a_call(twilio_client, sandbox):
    call = twilio_client.calls.create(to="+8613800138000", from_="+15005550006", url="https://example.com/answer",
                                      status_callback="https://example.com/status",
                                      status_callback_event=["initiated", "answered", "completed"],
                                      machine_detection="DetectMessageEnd", timeout=25)
    assert call.sid.startswith("CA") and len(call.sid) == 34 and call.status == "queued"
    assert call.direction == "outbound-api" and call.to == "+8613800138000"
    [kept] = sandbox.calls
    assert kept["status_callback_event"] == ["initiated", "answered", "completed"]
    assert kept["machine_detection"] == "DetectMessageEnd" and kept["timeout"] == 25
    assert twilio_client.calls(call.sid).fetch().status == "queued"
    twilio_client.calls(call.sid).update(twiml="<Response><Say>hi</Say></Response>")
    updated = twilio_client.calls(call.sid).update(status="completed")
    assert updated.status == "canceled"  # never answered
    assert sandbox.redirects == [{"sid": call.sid, "Twiml": "<Response><Say>hi</Say></Response>"}]
    assert sandbox.hangups == [call.sid]
    with pytest.raises(TwilioRestException) as error:
        twilio_client.calls(call.sid).update(url="https://example.com/late")
    assert (error.value.status, error.value.code) == (400, 21220)


def test_missing_parameters_and_unknown_calls_get_twilio_errors(twilio_client):
    with pytest.raises(TwilioRestException) as error:
        twilio_client.calls.create(to="+8613800138000", from_="+15005550006")
    assert (error.value.status, error.value.code) == (400, 21205)
    with pytest.raises(TwilioRestException) as error:
        twilio_client.calls("CA" + "f" * 32).update(status="completed")
    assert (error.value.status, error.value.code) == (404, 20404)


def test_messages_and_the_stop_rule(twilio_client, sandbox):
    message = twilio_client.messages.create(to="+8613800138000", from_="+15005550006", body="您的工单已解决",
                                            status_callback="https://example.com/sms/status")
    assert message.sid.startswith("SM") and message.status == "queued" and message.body == "您的工单已解决"
    assert sandbox.messages[0]["status_callback"] == "https://example.com/sms/status"
    sandbox.note_inbound_sms("+8613800138000", "+15005550006", " Stop ")
    with pytest.raises(TwilioRestException) as error:
        twilio_client.messages.create(to="+8613800138000", from_="+15005550006", body="again")
    assert (error.value.status, error.value.code) == (400, 21610)
    twilio_client.messages.create(to="+8613800138000", from_="+15005550007", body="another sender is fine")
    sandbox.note_inbound_sms("+8613800138000", "+15005550006", "START")
    twilio_client.messages.create(to="+8613800138000", from_="+15005550006", body="resubscribed")
    assert len(sandbox.messages) == 3


def test_wrong_credentials_get_401(sandbox, settings):
    intruder = Client(settings.twilio_account_sid, "wrong-token", http_client=RebasedHttpClient(sandbox.base_url))
    with pytest.raises(TwilioRestException) as error:
        intruder.messages.create(to="+8613800138000", from_="+15005550006", body="x")
    assert (error.value.status, error.value.code) == (401, 20003)


def test_recordings_need_basic_auth_and_can_be_deleted(twilio_client, sandbox, settings):
    wav = wav_bytes([channel(2, None, 440.0), channel(2, None, 660.0)])
    sandbox.add_recording(Recording(sid="RE" + "1" * 32, call_sid="CA" + "2" * 32, wav=wav, channels=2, duration=2))
    url = f"{sandbox.base_url}/2010-04-01/Accounts/{settings.twilio_account_sid}/Recordings/{'RE' + '1' * 32}"
    assert requests.get(url + ".wav", timeout=5).status_code == 401
    assert requests.get(url + ".wav", auth=(settings.twilio_account_sid, "nope"), timeout=5).status_code == 401
    response = requests.get(url + ".wav", auth=(settings.twilio_account_sid, settings.twilio_auth_token), timeout=5)
    assert response.status_code == 200 and response.content == wav
    assert response.headers["Content-Type"] == "audio/x-wav"
    meta = requests.get(url + ".json", auth=(settings.twilio_account_sid, settings.twilio_auth_token), timeout=5)
    assert meta.json()["channels"] == 2 and meta.json()["call_sid"] == "CA" + "2" * 32
    twilio_client.recordings("RE" + "1" * 32).delete()
    assert sandbox.deleted_recordings == ["RE" + "1" * 32]
    gone = requests.get(url + ".wav", auth=(settings.twilio_account_sid, settings.twilio_auth_token), timeout=5)
    assert gone.status_code == 404 and gone.json()["code"] == 20404


def test_injected_failures_and_the_rate_limit(twilio_client, sandbox):
    sandbox.fail_next(status=503, code=20500, message="Service Unavailable", path_contains="Messages")
    twilio_client.calls.create(to="+8613800138000", from_="+15005550006", url="https://example.com/a")
    with pytest.raises(TwilioRestException) as error:
        twilio_client.messages.create(to="+8613800138000", from_="+15005550006", body="x")
    assert (error.value.status, error.value.code) == (503, 20500)
    sandbox.rate_limit(2)
    codes = []
    for _ in range(4):
        try:
            twilio_client.messages.create(to="+8613800138000", from_="+15005550006", body="x")
            codes.append(201)
        except TwilioRestException as exc:
            codes.append(exc.code)
    assert codes == [201, 201, 20429, 20429]


def test_apps_get_separate_sandboxes_on_one_server(app, sandbox, settings, tmp_path):
    from hotline import create_app
    from hotline.settings import Settings

    other = create_app(Settings.for_tests(tmp_path / "other", database_url=settings.database_url,
                                          redis_url=settings.redis_url))
    other_sandbox = other.extensions["hotline.sandbox"]
    assert other_sandbox.base_url.split("/t/")[0] == sandbox.base_url.split("/t/")[0]
    assert other_sandbox.base_url != sandbox.base_url
    client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                    http_client=RebasedHttpClient(other_sandbox.base_url))
    client.messages.create(to="+8613800138000", from_="+15005550006", body="x")
    assert len(other_sandbox.messages) == 1 and sandbox.messages == []
    other.extensions["hotline.db"].engine.dispose()
