"""Sign-in attempts are rate-limited per address and per typed login (429 with Retry-After)."""
import dataclasses

import pytest

from hotline import db
from people.models import User
from tests.conftest import csrf_from

WRONG = "guess guess guess"


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, signin_rate_per_account=3, signin_rate_per_address=6,
                               signin_rate_window_seconds=600, signin_max_attempts=50)


def attempt(app, login, password=WRONG, address="10.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_from(client.get("/signin").get_data(as_text=True))
    return client.post("/signin", data={"login": login, "password": password, "csrf_token": token})


def failed_attempts(app, login):
    with app.app_context():
        return db.session().query(User).filter_by(login=login).one().failed_attempts


def test_a_login_tried_too_often_gets_429_even_with_the_right_password(app, people):
    people.add("li.na", role="qa")
    assert [attempt(app, "li.na", address=f"10.0.0.{n}").status_code for n in range(3)] == [401] * 3
    refused = attempt(app, "li.na", password="correct horse battery", address="10.0.0.9")
    assert refused.status_code == 429
    assert 540 <= int(refused.headers["Retry-After"]) <= 600
    assert "10分钟后再试" in refused.get_data(as_text=True)
    assert failed_attempts(app, "li.na") == 3  # a refused request never reached the lock-out count
    assert attempt(app, "someone.else").status_code == 401  # other logins are not affected


def test_an_address_trying_many_logins_gets_429(app, people):
    for n in range(6):
        assert attempt(app, f"user{n}").status_code == 401
    assert attempt(app, "user9").status_code == 429
    assert attempt(app, "user9", address="10.0.0.2").status_code == 401


def test_unknown_and_real_logins_are_limited_alike(app, people):
    people.add("li.na", role="qa")
    real = [attempt(app, "li.na", address=f"10.0.1.{n}").status_code for n in range(4)]
    ghost = [attempt(app, "ghost", address=f"10.0.2.{n}").status_code for n in range(4)]
    assert real == ghost == [401, 401, 401, 429]


@pytest.mark.parametrize("name,value", [("SIGNIN_RATE_PER_ACCOUNT", "0"), ("SIGNIN_RATE_PER_ADDRESS", "-1"),
                                        ("SIGNIN_RATE_WINDOW_SECONDS", "soon")])
def test_a_wrong_limit_stops_start_up_naming_it(name, value):
    from pathlib import Path

    from hotline.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match=f"^{name}: "):
        Settings.from_env({name: value}, dotenv=Path("/nonexistent"))
