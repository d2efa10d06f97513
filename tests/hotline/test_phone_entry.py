"""Every way a number enters goes through hotline.phone (libphonenumber): API, settings, outbound."""
import pytest

from hotline.gateway import GatewayError, get_gateway
from hotline.settings import Settings, SettingsError


@pytest.mark.parametrize("number", ["+²²²²²²²²", "+8612345678901", "13800138000", "+86 abc"])
def test_outbound_calls_and_texts_refuse_what_is_not_a_valid_number(app, number):
    with app.app_context():
        for send in (lambda: get_gateway().send_sms(number, "x"),
                     lambda: get_gateway().place_call(number, "http://127.0.0.1:5000/a")):
            with pytest.raises(GatewayError) as caught:
                send()
            assert caught.value.code == 21211 and not caught.value.retryable


def test_outbound_numbers_are_sent_as_e164(app, simulator):
    with app.app_context():
        sent = get_gateway().send_sms("+86 138-0013-8000", "您好")
    assert sent.sid


@pytest.mark.parametrize("name", ["SUPERVISOR_PHONE", "TWILIO_FROM_NUMBER"])
def test_settings_refuse_invalid_numbers(tmp_path, name):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"HOTLINE_INSTANCE_DIR": str(tmp_path), name: "+²²²²²²²²"}, dotenv=tmp_path / "none")
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"HOTLINE_INSTANCE_DIR": str(tmp_path), name: "+8612345678901"}, dotenv=tmp_path / "none")


def test_settings_keep_valid_numbers_in_e164(tmp_path):
    settings = Settings.from_env({"HOTLINE_INSTANCE_DIR": str(tmp_path), "SUPERVISOR_PHONE": "+86 138 0013 8000"},
                                 dotenv=tmp_path / "none")
    assert settings.supervisor_phone == "+8613800138000"


def test_an_agents_number_must_be_valid(api):
    profile = {"name": "Bo", "skills": {"inquiry": 3}, "languages": ["zh-CN"]}
    assert api.post("/api/agents", {**profile, "address": "+8612345678901"}).status_code == 422
    created = api.post("/api/agents", {**profile, "address": "+8613800138000"})
    assert created.status_code == 201


def test_do_not_contact_takes_any_common_form_and_stores_e164(api):
    response = api.post("/api/do-not-contact", {"phone": "138 0013 8000"})
    assert response.status_code == 201 and response.get_json()["phone"] == "+8613800138000"
    assert api.get("/api/do-not-contact/+8613800138000").get_json()["opted_out"] is True
