"""Desk fixtures: a faster poll, and a switchboard playing Twilio's and the IVR's part of a call.

People and signing them in are shared by every area with pages: tests/conftest.py.
"""
from __future__ import annotations

import pytest

from hotline import db


@pytest.fixture
def settings(settings):
    """The desk polls twice a second in tests, so browser tests wait less for each change."""
    import dataclasses

    return dataclasses.replace(settings, desk_poll_seconds=0.5)


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
