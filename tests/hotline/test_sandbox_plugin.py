"""The sandbox is optional: hotline reaches it only through hotline.sandbox_plugin, a process on
Twilio never loads it, and without it sandbox mode and its commands say how to install it."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hotline import create_app, sandbox_plugin
from hotline.sandbox_plugin import SandboxMissing

ROOT = Path(__file__).resolve().parents[2]
INSTALL = "pip install 'hotline[sandbox]'"


@pytest.fixture
def without_sandbox(monkeypatch):
    monkeypatch.setitem(sys.modules, "sandbox", None)  # `import sandbox` fails as when it is not installed


def test_a_process_on_twilio_never_imports_the_sandbox(tmp_path):
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "TELEPHONY": "twilio",
           "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "b" * 32, "TWILIO_FROM_NUMBER": "+14155550100",
           "SECRET_KEY": "c" * 40, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "HOTLINE_INSTANCE_DIR": str(tmp_path / "instance"), "LOG_LEVEL": "warning"}
    program = ("import json, sys\n"
               "from hotline import create_app\n"
               "app = create_app()\n"
               "with app.app_context():\n"
               "    from hotline.gateway import get_gateway\n"
               "    get_gateway()\n"
               "print(json.dumps([app.config['HOTLINE_SETTINGS'].telephony, sorted(app.cli.list_commands(None)),\n"
               "                  sorted(m for m in sys.modules if m.split('.')[0] == 'sandbox')]))\n")
    done = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    telephony, commands, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert telephony == "twilio" and {"simulate", "sandbox", "worker"} <= set(commands)
    assert loaded == []


def test_with_the_sandbox_installed_the_plugin_is_the_sandbox_package(runner):
    assert sandbox_plugin.installed() is sys.modules["sandbox.plugin"]
    result = runner.invoke(args=["sandbox", "--help"])
    assert result.exit_code == 0 and "serve" in result.output


def test_sandbox_mode_without_the_sandbox_says_how_to_install_it(settings, without_sandbox):
    assert settings.is_sandbox and not settings.twilio_api_url
    with pytest.raises(SandboxMissing) as raised:
        create_app(settings)
    assert INSTALL in str(raised.value) and "TWILIO_API_URL" in str(raised.value)


def test_without_the_sandbox_a_sandbox_elsewhere_still_works_and_its_commands_say_how_to_install_it(
        settings, without_sandbox, tmp_path):
    app = create_app(dataclasses.replace(settings, twilio_api_url="http://127.0.0.1:9"))
    try:
        runner = app.test_cli_runner()
        for args in (["simulate", "calls.yaml"], ["sandbox", "serve"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 2, result.output
            assert INSTALL in result.output
        result = runner.invoke(args=["webhooks"])
        assert result.exit_code == 0 and "http://127.0.0.1:9" in result.output
    finally:
        app.extensions["hotline.db"].engine.dispose()
