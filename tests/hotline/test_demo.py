"""The first hour: `GET /` leads to every role's page, the demo calendar is open at every hour, and the
demo call (keys and words from the menu) reaches an available agent in under a minute even at 03:00
on a Sunday, which the real calendar would send to voicemail."""
from __future__ import annotations

import dataclasses
import os
import re
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hotline import create_app
from hotline.calendar import DEMO_CALENDAR_PATH, load_calendar
from hotline.demo.command import CALL_SCRIPT
from hotline import db
from hotline.demo.people import DEMO_AGENT, ensure_users
from people.passwords import verify_password
from people.users import find_user
from sandbox.simulator.script_file import load_script
from tests.support.processes import free_port

SUNDAY_3AM_SHANGHAI = datetime(2026, 11, 28, 19, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[2]


def test_the_landing_page_links_each_role_in_both_languages(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.data.decode()
    for url, chinese, english in [("/desk", "坐席工作台", "Agent desk"), ("/supervisor", "班长监控", "Supervisor view"),
                                  ("/qa/", "质检工作台", "QA reviews")]:
        assert f'href="{url}"' in html and chinese in html and english in html
        followed = client.get(url)
        assert followed.status_code == 302 and followed.headers["Location"].startswith("/signin?next=")
    assert 'href="/signin"' in html


def test_the_demo_calendar_is_open_at_every_hour_and_on_holidays():
    calendar = load_calendar(DEMO_CALENDAR_PATH)
    start = datetime(2026, 9, 28, tzinfo=timezone.utc)  # the week of the National Day holidays
    for minutes in range(0, 8 * 24 * 60, 7):
        assert calendar.is_business_hours(start + timedelta(minutes=minutes)), start + timedelta(minutes=minutes)


@pytest.mark.parametrize("demo, reaches_agent", [(True, True), (False, False)])
def test_the_demo_call_reaches_the_agent_at_any_hour(app, settings, clock, demo, reaches_agent):
    from sandbox.simulator import Simulator
    from tests.conftest import ApiClient

    app = create_app(dataclasses.replace(settings, demo=demo), clock=clock)  # `app` emptied the tables
    clock.set(SUNDAY_3AM_SHANGHAI)
    api = ApiClient(app.test_client(), settings.admin_token)
    # Without the night skill, the demo agent is not the night shift: only the calendar can open the center.
    skills = {k: v for k, v in DEMO_AGENT["skills"].items() if k != "night"}
    agent = api.post("/api/agents", {**DEMO_AGENT, "skills": skills, "status": "available"}).get_json()["id"]
    simulator = Simulator(app)
    [call] = simulator.load(load_script(CALL_SCRIPT))
    on_call = lambda: api.get(f"/api/agents/{agent}").get_json()["status"] == "on_call"  # noqa: E731

    assert simulator.run_until(on_call, limit=60) is reaches_agent  # 60 s of the call's (virtual) time
    simulator.run()
    assert call.status == "completed"
    texts = " ".join(call.said)
    assert ("正在为您转接客服" in texts) is reaches_agent
    assert ("非工作时间" in texts) is not reaches_agent


def test_the_demos_people_are_made_and_reset_through_the_users_api(app, api, live_server):
    """Created on the first run, given new passwords (and unlocked) on the next, over HTTP as an admin would."""
    agent_id = api.post("/api/agents", {**DEMO_AGENT, "status": "available"}).get_json()["id"]
    token = api.mint("admin")
    first = ensure_users(live_server.url, token, agent_id)
    again = ensure_users(live_server.url, token, agent_id)
    assert [(s.login, s.role, s.page) for s in again] == [("demo.agent", "agent", "/desk"),
                                                          ("demo.lead", "supervisor", "/supervisor")]
    with app.app_context():
        session = db.session()
        for old, new in zip(first, again):
            user = find_user(session, new.login)
            assert user.active and verify_password(user.password_hash, new.password)
            assert not verify_password(user.password_hash, old.password)
        assert find_user(session, "demo.agent").agent_id == agent_id


@pytest.mark.slow
def test_hotline_demo_from_nothing(tmp_path):
    """The command a newcomer runs: it starts everything, plays the call and prints the pages and sign-ins;
    with --exit it stops what it started."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "HOTLINE_EMBEDDED_REDIS_URL", "HOTLINE_ADMIN_TOKEN"}}
    env.update(HOTLINE_INSTANCE_DIR=str(tmp_path), PORT=str(port), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "hotline.cli", "demo", "--exit"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    seconds = int(re.search(r"The call reached the demo agent in (\d+) s", out).group(1))
    assert seconds < 60
    base = f"http://127.0.0.1:{port}"
    for page in ("/desk", "/supervisor", "/qa/"):
        assert re.search(rf"{re.escape(base + page)}\s+sign in as demo\.\w+ / \S+", out), page
    assert re.search(r"Admin API token \(Authorization: Bearer \.\.\.\): hl_\S+", out)
    assert "transcription: not ready" in out and "hotline models install zh-CN en-US" in out
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # the server it started is gone
