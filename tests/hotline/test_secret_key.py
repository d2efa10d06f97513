"""Session cookies are signed with a key of their own: never a Twilio or admin token, and without
SECRET_KEY a random key kept in the instance folder (mode 0600) that every process shares."""
from __future__ import annotations

import dataclasses
import multiprocessing
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask.sessions import SecureCookieSessionInterface

from hotline import create_app
from hotline.secret_key import KEY_FILE, instance_secret_key
from hotline.settings import SANDBOX_AUTH_TOKEN, Settings, SettingsError, PROJECT_ROOT
from tests.conftest import sign_in

NO_DOTENV = Path("/nonexistent")
TWILIO = {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "f" * 32}


def forge_cookie(app, key: str, user_id: int, version: int = 1) -> str:
    """A session cookie for `user_id` signed with `key` the way Flask signs its own."""
    serializer = SecureCookieSessionInterface().get_signing_serializer(_with_key(app, key))
    return serializer.dumps({"uid": user_id, "sv": version, "_permanent": True})


class _with_key:
    """The app as Flask's signer sees it (its config: salt, digest), with another secret key."""

    def __init__(self, app, key: str) -> None:
        self.secret_key = key
        self.config = app.config


def signed_in_as(app, cookie: str) -> bool:
    client = app.test_client()
    client.set_cookie("hotline_session", cookie)
    return client.get("/account").status_code == 200


@pytest.fixture
def default_settings(settings):
    """The settings `make run` gets with nothing configured: no SECRET_KEY, a known admin token."""
    return dataclasses.replace(settings, secret_key="")


@pytest.fixture
def default_app(default_settings, clock, app):  # `app` empties the tables and Redis first
    application = create_app(default_settings, clock=clock)
    yield application
    application.extensions["hotline.db"].engine.dispose()


def test_a_cookie_signed_with_any_token_hotline_knows_is_refused(default_app, default_settings, people, api):
    uid = people.add("boss", role="admin")
    minted = api.mint("agent")
    known = {"Twilio auth token": default_settings.twilio_auth_token, "make run's printed token": SANDBOX_AUTH_TOKEN,
             "admin token": default_settings.admin_token, "a minted API token": minted,
             "account SID": default_settings.twilio_account_sid, "empty": ""}
    for what, token in known.items():
        if token:
            assert not signed_in_as(default_app, forge_cookie(default_app, token, uid)), what
    # The same forgery with the real key gets in: the refusals above are the key's doing.
    assert signed_in_as(default_app, forge_cookie(default_app, default_app.secret_key, uid))


def test_the_signing_key_is_none_of_the_tokens(default_app, default_settings):
    key = default_app.secret_key
    assert len(key) >= 64
    assert key not in {default_settings.twilio_auth_token, default_settings.admin_token, SANDBOX_AUTH_TOKEN, ""}


def test_the_generated_key_file_is_private_and_shared_by_every_app(default_settings, clock, app):
    first = create_app(default_settings, clock=clock)
    second = create_app(default_settings, clock=clock)
    path = default_settings.instance_dir / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.secret_key == second.secret_key == path.read_text().strip()
    other = create_app(dataclasses.replace(default_settings, instance_dir=default_settings.instance_dir / "other"),
                       clock=clock)
    assert other.secret_key != first.secret_key
    for application in (first, second, other):
        application.extensions["hotline.db"].engine.dispose()


def test_a_session_from_one_app_is_valid_in_another_on_the_same_instance(default_settings, clock, people, app):
    """Like two gunicorn workers: a cookie one signed must be accepted by the other."""
    people.add("li.na", role="qa")
    web1, web2 = create_app(default_settings, clock=clock), create_app(default_settings, clock=clock)
    client = web1.test_client()
    assert sign_in(client, "li.na").status_code == 302
    cookie = client.get_cookie("hotline_session").value
    assert signed_in_as(web2, cookie)
    for application in (web1, web2):
        application.extensions["hotline.db"].engine.dispose()


def _read_key(directory: str, queue) -> None:
    queue.put(instance_secret_key(Path(directory)))


def test_processes_starting_together_agree_on_one_key(tmp_path):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_read_key, args=(str(tmp_path), queue)) for _ in range(6)]
    for worker in workers:
        worker.start()
    keys = {queue.get(timeout=120) for _ in workers}  # six spawned interpreters on a busy machine
    for worker in workers:
        worker.join(timeout=10)
    assert len(keys) == 1 and keys == {(tmp_path / KEY_FILE).read_text().strip()}


def test_the_cli_uses_the_same_key_as_the_web(tmp_path):
    """The CLI process reads the file the web app wrote, rather than making a key of its own."""
    env = {"HOTLINE_INSTANCE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT)}
    code = "from hotline import create_app; print(create_app().secret_key)"
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                           check=True).stdout.strip() for _ in range(2)}
    assert len(keys) == 1 and keys == {(tmp_path / KEY_FILE).read_text().strip()}


def test_a_key_file_others_can_read_stops_start_up(tmp_path):
    instance_secret_key(tmp_path)
    (tmp_path / KEY_FILE).chmod(0o644)
    with pytest.raises(SettingsError, match=f"^SECRET_KEY: .*{KEY_FILE}.*0644") as excinfo:
        instance_secret_key(tmp_path)
    assert "\n" not in str(excinfo.value)


def test_twilio_mode_refuses_to_start_without_a_secret_key():
    with pytest.raises(SettingsError, match="^SECRET_KEY: required when TELEPHONY=twilio") as excinfo:
        Settings.from_env(TWILIO, dotenv=NO_DOTENV)
    assert "\n" not in str(excinfo.value)
    settings = Settings.from_env({**TWILIO, "SECRET_KEY": "k" * 40}, dotenv=NO_DOTENV)
    assert settings.secret_key == "k" * 40


@pytest.mark.parametrize("env", [
    {**TWILIO, "SECRET_KEY": TWILIO["TWILIO_AUTH_TOKEN"]},
    {**TWILIO, "SECRET_KEY": "a" * 40, "HOTLINE_ADMIN_TOKEN": "a" * 40},
    {"SECRET_KEY": SANDBOX_AUTH_TOKEN},
    {**TWILIO, "SECRET_KEY": "short"},
])
def test_a_secret_key_that_is_a_token_or_too_short_is_refused(env):
    with pytest.raises(SettingsError, match="^SECRET_KEY: "):
        Settings.from_env(env, dotenv=NO_DOTENV)


def test_twilio_mode_without_a_secret_key_stops_the_cli_with_one_line(tmp_path):
    env = {**TWILIO, "HOTLINE_INSTANCE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run([sys.executable, "-m", "hotline.cli", "webhooks"], capture_output=True, text=True,
                            env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("hotline: configuration error: SECRET_KEY: required when TELEPHONY=twilio")
    assert len(result.stderr.strip().splitlines()) == 1
