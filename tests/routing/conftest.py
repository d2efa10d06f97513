"""Helpers for routing tests: agents made through the API, callers handed over by the IVR."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest


def twiml(response) -> ET.Element:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.get_data(as_text=True))


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Center:
    """Drives the routing webhooks the way Twilio would, for one test."""

    def __init__(self, app, api, twilio, clock) -> None:
        self.app, self.api, self.twilio, self.clock = app, api, twilio, clock
        self.sids = 0

    def agent(self, name: str, skills: dict[str, int], languages=("zh-CN",), status="available",
              address: str | None = None) -> int:
        body = {"name": name, "address": address or f"client:{name}", "skills": skills,
                "languages": list(languages), "status": status}
        response = self.api.post("/api/agents", body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def call_params(self, sid: str, **extra: str) -> dict[str, str]:
        return self.twilio.call_params(sid, CallStatus="in-progress", **extra)

    def enter(self, queue: str = "inquiry", language: str = "zh-CN", sid: str | None = None,
              from_number: str = "+8613800138000", priority: int | None = None) -> tuple[str, ET.Element]:
        from hotline import db
        from hotline.calls import ensure_call

        if sid is None:
            self.sids += 1
            sid = f"CA{self.sids:032d}"
        params = self.call_params(sid, From=from_number)
        with self.app.app_context():
            session = db.session()
            call = ensure_call(session, sid, params)
            call.language = language
            session.commit()
        path = f"/voice/route?queue={queue}" + (f"&priority={priority}" if priority is not None else "")
        return sid, twiml(self.twilio.post(path, params))

    def post(self, url: str, sid: str, **form: str):
        return self.twilio.post(path_and_query(url), self.call_params(sid, **form))

    def agent_status(self, agent_id: int) -> str:
        return self.api.get(f"/api/agents/{agent_id}").get_json()["status"]


@pytest.fixture
def center(app, api, twilio, clock) -> Center:
    return Center(app, api, twilio, clock)
