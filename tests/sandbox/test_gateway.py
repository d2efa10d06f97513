"""The TwilioGateway over real HTTP against the sandbox: every method, and errors as GatewayError."""
from __future__ import annotations

import io
import wave

import pytest

from hotline.gateway import GatewayError, get_gateway
from hotline.gateway.twilio_gateway import TwilioGateway, rebase
from sandbox.rest.state import Recording
from sandbox.twiml.audio import channel, wav_bytes


@pytest.fixture
def gateway(app):
    with app.app_context():
        yield get_gateway()


@pytest.fixture
def sandbox(app):
    return app.extensions["hotline.sandbox"]


def test_sandbox_mode_points_the_gateway_at_the_apps_sandbox(gateway, sandbox):
    assert isinstance(gateway, TwilioGateway)
    assert gateway.api_url == sandbox.base_url and gateway.api_url.startswith("http://127.0.0.1:")


def test_place_call_send_sms_redirect_and_hang_up(gateway, sandbox):
    placed = gateway.place_call("+8613800138000", "http://127.0.0.1:5000/revisits/answer",
                                status_callback="http://127.0.0.1:5000/voice/status", machine_detection="Enable")
    assert placed.sid.startswith("CA") and placed.status == "queued"
    [call] = sandbox.calls
    assert call["from"] == "+15005550006" and call["machine_detection"] == "Enable"
    assert call["status_callback_event"] == ["initiated", "ringing", "answered", "completed"]
    sent = gateway.send_sms("+8613800138000", "回访", status_callback="http://127.0.0.1:5000/sms/status")
    assert sent.sid.startswith("SM") and sandbox.messages[0]["body"] == "回访"
    gateway.redirect_call(placed.sid, "http://127.0.0.1:5000/voice/route?queue=inquiry")
    gateway.hangup_call(placed.sid)
    assert sandbox.redirects[0]["Url"].endswith("/voice/route?queue=inquiry")
    assert sandbox.hangups == [placed.sid]


def test_download_and_delete_a_recording(gateway, sandbox, settings):
    wav = wav_bytes([channel(1, None, 440.0), channel(1, None, 660.0)])
    sid = "RE" + "3" * 32
    sandbox.add_recording(Recording(sid=sid, call_sid="CA" + "4" * 32, wav=wav, channels=2, duration=1))
    data = gateway.download_recording(sid, max_bytes=10**6)
    with wave.open(io.BytesIO(data)) as audio:
        assert (audio.getnchannels(), audio.getframerate()) == (2, 8000)
    gateway.delete_recording(sid)
    assert sandbox.deleted_recordings == [sid]
    with pytest.raises(GatewayError) as error:
        gateway.download_recording(sid, max_bytes=10**6)
    assert error.value.status == 404 and not error.value.retryable
    with pytest.raises(GatewayError) as error:
        gateway.delete_recording(sid)
    assert (error.value.status, error.value.code) == (404, 20404)


def test_a_twilio_recording_url_is_rebased_onto_the_sandbox(sandbox):
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    assert rebase(url, sandbox.base_url) == sandbox.base_url + "/2010-04-01/Accounts/AC1/Recordings/RE1"
    assert rebase("https://elsewhere.example.com/x", sandbox.base_url) == "https://elsewhere.example.com/x"


def test_rate_limits_and_unsubscribed_numbers_become_gateway_errors(gateway, sandbox):
    sandbox.fail_next()  # 429 / 20429
    with pytest.raises(GatewayError) as error:
        gateway.place_call("+8613800138000", "http://127.0.0.1:5000/a")
    assert (error.value.status, error.value.code, error.value.retryable) == (429, 20429, True)
    sandbox.unsubscribe("+8613800138000")
    with pytest.raises(GatewayError) as error:
        gateway.send_sms("+8613800138000", "hello")
    assert (error.value.status, error.value.code, error.value.retryable) == (400, 21610, False)
    with pytest.raises(GatewayError) as error:
        gateway.redirect_call("CA" + "9" * 32, "http://127.0.0.1:5000/a")
    assert error.value.code == 20404


def test_an_unreachable_server_is_a_retryable_gateway_error(settings):
    gateway = TwilioGateway(settings.twilio_account_sid, settings.twilio_auth_token, "+15005550006",
                            api_url="http://127.0.0.1:9", timeout=2)
    with pytest.raises(GatewayError) as error:
        gateway.send_sms("+8613800138000", "x")
    assert error.value.status is None and error.value.retryable
