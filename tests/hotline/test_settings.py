from pathlib import Path

import pytest

from hotline.settings import Settings, SettingsError

NO_DOTENV = Path("/nonexistent")


def test_defaults_need_no_server(tmp_path):
    settings = Settings.from_env({"HOTLINE_INSTANCE_DIR": str(tmp_path)}, dotenv=NO_DOTENV)
    assert settings.database_url == f"sqlite:///{tmp_path / 'hotline.sqlite3'}"
    assert settings.uses_embedded_redis and settings.is_sandbox
    assert (settings.ring_seconds, settings.max_rings, settings.ring_timeout_seconds) == (5, 3, 15)  # China's ring cycle
    assert settings.public_base_url == "http://127.0.0.1:5000"


@pytest.mark.parametrize("name,value,message", [
    ("PORT", "http", "PORT: expected a whole number"),
    ("RING_SECONDS", "0", "RING_SECONDS: must be at least 1"),
    ("TIMEZONE", "Mars/Olympus", "TIMEZONE: unknown time zone"),
    ("REDIS_URL", "localhost:6379", "REDIS_URL: must start with"),
    ("PUBLIC_BASE_URL", "example.org", "PUBLIC_BASE_URL: must start with"),
    ("DATABASE_URL", "hotline.db", "DATABASE_URL: expected a URL"),
    ("TWILIO_ACCOUNT_SID", "XY123", "TWILIO_ACCOUNT_SID: expected 34 characters"),
    ("DELETE_TWILIO_RECORDINGS", "maybe", "DELETE_TWILIO_RECORDINGS: expected true or false"),
    ("VOSK_MODELS", "{bad", "VOSK_MODELS: not valid JSON"),
    ("CALLING_HOURS", "9-20", "CALLING_HOURS: expected HH:MM-HH:MM"),
    ("TELEPHONY", "pigeon", "TELEPHONY: must be one of"),
])
def test_a_wrong_value_names_the_variable(name, value, message):
    with pytest.raises(SettingsError) as excinfo:
        Settings.from_env({name: value}, dotenv=NO_DOTENV)
    assert str(excinfo.value).startswith(message)
    assert "\n" not in str(excinfo.value)


def test_real_twilio_needs_its_token():
    with pytest.raises(SettingsError, match="^TWILIO_AUTH_TOKEN: required"):
        Settings.from_env({"TWILIO_ACCOUNT_SID": "AC" + "1" * 32}, dotenv=NO_DOTENV)


def test_dotenv_is_read_and_environment_wins(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nCOMPANY_NAME=星河科技\nPORT=8000\n", encoding="utf-8")
    settings = Settings.from_env({"PORT": "9000"}, dotenv=dotenv)
    assert settings.company_name == "星河科技"
    assert settings.port == 9000


def test_postgres_urls_use_psycopg3():
    settings = Settings.from_env({"DATABASE_URL": "postgres://u@h/db"}, dotenv=NO_DOTENV)
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_start_up_stops_with_one_line(tmp_path):
    import subprocess
    import sys

    from hotline.settings import PROJECT_ROOT

    env = {"PORT": "abc", "HOTLINE_INSTANCE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run([sys.executable, "-m", "hotline.cli", "webhooks"], capture_output=True, text=True,
                            env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "hotline: configuration error: PORT: expected a whole number, got 'abc'"
