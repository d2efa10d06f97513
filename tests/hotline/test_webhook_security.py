"""A forged webhook gets 403 and changes nothing; the exact signed request is accepted."""
import string

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from hotline import db
from hotline.models import Call
from hotline.webhooks import signature_is_valid
from hotline.contracts import MenuCalls, need

TOKEN = "a" * 32
URL = "https://hotline.example.com/voice/incoming"
names = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12)
values = st.text(max_size=30).filter(lambda v: "\x00" not in v)
param_dicts = st.dictionaries(names, values, max_size=6)


def sign(url, params, token=TOKEN):
    return RequestValidator(token).compute_signature(url, params)


@given(params=param_dicts)
def test_the_exact_request_is_accepted(params):
    assert signature_is_valid(TOKEN, URL, params, sign(URL, params))


@given(params=param_dicts, name=names, value=values)
def test_any_changed_or_added_parameter_is_rejected(params, name, value):
    signature = sign(URL, params)
    changed = dict(params)
    if changed.get(name) == value:
        value += "x"
    changed[name] = value
    assert not signature_is_valid(TOKEN, URL, changed, signature)


# A bare "?" is the same URL (an empty query string), not a change.
@given(params=param_dicts, suffix=st.text(alphabet=string.ascii_letters + "/?=&", min_size=1, max_size=10)
       .filter(lambda s: s != "?"))
def test_a_changed_url_is_rejected(params, suffix):
    assert not signature_is_valid(TOKEN, URL + suffix, params, sign(URL, params))


@given(params=param_dicts, token=st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=40))
def test_another_token_is_rejected(params, token):
    if token == TOKEN:
        token += "0"
    assert not signature_is_valid(TOKEN, URL, params, sign(URL, params, token))


def _count_calls(app):
    """Calls in the database, and calls whose IVR steps still wait in Redis to be settled."""
    from hotline.redis_client import get_redis
    from ivr.call_steps import PENDING_KEY

    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Call)) + get_redis().zcard(PENDING_KEY)


@hsettings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(signature=st.text(alphabet=string.ascii_letters + string.digits + "+/=", max_size=40))
def test_forged_webhook_gets_403_and_writes_nothing(app, twilio, signature):
    params = twilio.call_params()
    if signature == twilio.sign("/voice/incoming", params):
        return
    response = twilio.post("/voice/incoming", params, signature=signature)
    assert response.status_code == 403
    assert _count_calls(app) == 0


def test_missing_signature_is_refused_on_every_webhook(app, client):
    for path in ("/voice/incoming", "/voice/status", "/recordings/status", "/sms/incoming", "/sms/status"):
        assert client.post(path, data={"CallSid": "CA1"}).status_code == 403, path
    assert _count_calls(app) == 0


def test_signed_request_is_accepted_behind_a_proxy(app, twilio):
    # Flask sees http://localhost/...; Twilio signed PUBLIC_BASE_URL. The check must use the latter.
    response = twilio.post("/voice/incoming", twilio.call_params())
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert _count_calls(app) == 1
    with app.app_context():
        need(MenuCalls, app).settle_call(twilio.call_params()["CallSid"])
        assert db.session().scalar(select(func.count()).select_from(Call)) == 1


def test_query_string_is_part_of_the_signed_url(app, client, settings):
    params = {"CallSid": "CA" + "2" * 32, "CallStatus": "completed"}
    good = RequestValidator(settings.twilio_auth_token).compute_signature(
        settings.public_base_url + "/voice/status?leg=agent", params)
    assert client.post("/voice/status?leg=agent", data=params, headers={"X-Twilio-Signature": good}).status_code == 204
    assert client.post("/voice/status?leg=caller", data=params, headers={"X-Twilio-Signature": good}).status_code == 403
