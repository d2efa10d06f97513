"""Desk fixtures: people with passwords, and signing them in through the real sign-in form."""
from __future__ import annotations

import re

import pytest

from hotline import db
from hotline.auth.users import create_user

PASSWORD = "correct horse battery"


@pytest.fixture
def settings(settings):
    """The desk polls twice a second in tests, so browser tests wait less for each change."""
    import dataclasses

    return dataclasses.replace(settings, desk_poll_seconds=0.5)


class People:
    """Creates users straight in the database (the API and CLI paths have their own tests)."""

    def __init__(self, app) -> None:
        self.app = app

    def add(self, login: str, role: str = "agent", agent_id: int | None = None, language: str = "zh-CN",
            password: str = PASSWORD, name: str | None = None) -> int:
        with self.app.app_context():
            user = create_user(db.session(), login=login, name=name or login.title(), password=password,
                               role=role, agent_id=agent_id, language=language)
            db.session().commit()
            return user.id


@pytest.fixture
def people(app) -> People:
    return People(app)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or \
        re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, login: str, password: str = PASSWORD, next_: str = ""):
    token = csrf_from(client.get("/signin").get_data(as_text=True))
    return client.post("/signin", data={"login": login, "password": password, "csrf_token": token,
                                        "next": next_})


def page_token(client, path: str = "/account") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


class Switchboard:
    """Plays Twilio's and the IVR's part of one call at webhook level, for desk tests."""

    def __init__(self, app, api, twilio, clock) -> None:
        self.app, self.api, self.twilio, self.clock = app, api, twilio, clock

    def agent(self, name: str, skills: dict[str, int] | None = None, languages=("zh-CN", "en-US"),
              status: str = "offline") -> int:
        body = {"name": name, "address": f"client:{name}", "skills": skills or {"inquiry": 3, "complaint": 3},
                "languages": list(languages), "status": status}
        response = self.api.post("/api/agents", body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def customer(self, phone: str, surname: str, title: str, name: str, language: str = "zh-CN") -> None:
        from tickets.models import Customer

        with self.app.app_context():
            db.session().add(Customer(phone=phone, surname=surname, title=title, name=name, language=language))
            db.session().commit()

    def caller_through_ivr(self, sid: str, number: str, category: str = "inquiry", language: str = "zh-CN",
                           steps=(("language", "1"), ("main", "1"))):
        """The IVR's part: the call row, the caller's menu steps, and the hand-over to the queue."""
        from flask import current_app

        from hotline import signals
        from hotline.calls import ensure_call, record_event

        params = self.twilio.call_params(sid, From=number, CallStatus="in-progress")
        with self.app.test_request_context():
            session = db.session()
            call = ensure_call(session, sid, params)
            call.language = language
            for node, digit in steps:
                record_event(session, call, "ivr", node=node, input=digit, via="dtmf", result="next")
            session.commit()
            signals.call_routed.send(current_app._get_current_object(), call_sid=sid, category=category,
                                     priority=None, language=language)
        return params

    def route(self, sid: str, params: dict, queue: str = "inquiry"):
        import xml.etree.ElementTree as ET

        response = self.twilio.post(f"/voice/route?queue={queue}", params)
        assert response.status_code == 200, response.get_data(as_text=True)
        return ET.fromstring(response.get_data(as_text=True))

    def post_url(self, url: str, params: dict):
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self.twilio.post(path, params)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    def answer(self, dial, params: dict) -> None:
        """The agent picks up: Twilio requests the <Client url> whisper on the agent's leg."""
        leg = dict(params, CallSid="CA" + "a" * 32, ParentCallSid=params["CallSid"], Direction="outbound-dial")
        self.post_url(dial.find("Client").get("url"), leg)

    def hang_up(self, dial, params: dict, talked: int) -> None:
        self.clock.advance(talked)
        self.post_url(dial.get("action"), dict(params, DialCallStatus="completed", DialCallDuration=str(talked)))


@pytest.fixture
def switchboard(app, api, twilio, clock) -> Switchboard:
    return Switchboard(app, api, twilio, clock)
