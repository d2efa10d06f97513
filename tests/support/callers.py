"""The one caller driver: callers and agents played at webhook level, the way Twilio and the IVR would.

- `Caller`: one phone call walking the IVR menu (dial, press, say, stay silent, leave a message).
- `Switchboard`: agents made through the API and callers handed to routing (straight to /voice/route,
  or through the IVR's hand-over), then offered, answered and hung up as Twilio's requests would.

For whole calls on Twilio's side (media, timings, <Dial> legs), use the sandbox's simulator fixture.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from hotline import db
from tests.support.factories import add_customer, api_agent
from tests.support.twiml import Twiml, path_and_query, twiml


class Caller:
    """One simulated phone call, answering each TwiML the way Twilio would."""

    def __init__(self, twilio, sid: str, number: str) -> None:
        self.twilio = twilio
        self.sid = sid
        self.number = number
        self.last: Twiml | None = None

    def params(self, **extra: str) -> dict[str, str]:
        return self.twilio.call_params(self.sid, **{"From": self.number, "Caller": self.number,
                                                    "CallStatus": "in-progress", **extra})

    def post(self, url: str, **extra: str) -> Twiml:
        self.last = Twiml(self.twilio.post(url, self.params(**extra)))
        if "/voice/route" in (self.last.redirect() or "") or "Hangup" in self.last.verbs:
            self.settle()
        return self.last

    def settle(self) -> None:
        """What a worker does right after the caller leaves the menu: settle the path (in-process, so
        that receivers connected by a test hear `call_routed` in this process)."""
        from hotline.jobs import run_burst

        run_burst(self.twilio.client.application, ("default",), in_process=True)

    def dial(self) -> Twiml:
        self.last = Twiml(self.twilio.post("/voice/incoming", self.twilio.call_params(
            self.sid, From=self.number, Caller=self.number)))
        return self.last

    def _action(self) -> str:
        assert self.last is not None and self.last.gather is not None, f"no Gather in {self.last.verbs}"
        return self.last.gather.get("action")

    def press(self, digits: str) -> Twiml:
        return self.post(self._action(), Digits=digits)

    def say(self, words: str, confidence: str = "0.9") -> Twiml:
        return self.post(self._action(), SpeechResult=words, Confidence=confidence)

    def stay_silent(self) -> Twiml:
        """Twilio does not call the Gather action on silence; it runs the next verb: the Redirect."""
        assert self.last is not None
        url = self.last.redirect()
        assert url is not None, f"nothing handles silence after {self.last.verbs}"
        return self.post(url)

    def leave_message(self, recording_sid: str, seconds: int = 12) -> Twiml:
        assert self.last is not None
        record = self.last.root.find("Record")
        assert record is not None
        return self.post(record.get("action"), RecordingSid=recording_sid, RecordingDuration=str(seconds),
                         RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/AC{'0' * 32}/Recordings/{recording_sid}",
                         Digits="#")


class Switchboard:
    """Drives the routing webhooks the way Twilio (and the IVR before them) would, for one test.

    `agent_defaults`: what `agent()` fills in when a test leaves it out (routing's tests make available
    Chinese-speaking agents; the desk's make offline bilingual ones that sign in through the page)."""

    def __init__(self, app, api, twilio, clock, **agent_defaults) -> None:
        self.app, self.api, self.twilio, self.clock = app, api, twilio, clock
        self.agent_defaults = {"languages": ("zh-CN",), "status": "available", **agent_defaults}
        self.sids = 0

    def agent(self, name: str, skills: dict[str, int] | None = None, languages=None, status: str | None = None,
              address: str | None = None) -> int:
        return api_agent(self.api, name, skills or self.agent_defaults.get("skills"),
                         languages=languages or self.agent_defaults["languages"],
                         status=status or self.agent_defaults["status"], address=address)

    def agent_status(self, agent_id: int) -> str:
        return self.api.get(f"/api/agents/{agent_id}").get_json()["status"]

    def routed(self, sid: str):
        """The caller's routed call row (queue, outcome, agent, rings, times), read now."""
        from sqlalchemy import select

        from routing.models import RoutedCall

        with self.app.app_context():
            return db.session().scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()

    def offers(self, sid: str) -> list[tuple[int, str]]:
        """(agent, result) of every offer of the call, in order."""
        from sqlalchemy import select

        from routing.models import Offer

        with self.app.app_context():
            return [(o.agent_id, o.result) for o in db.session().scalars(select(Offer).where(Offer.call_sid == sid)
                                                                         .order_by(Offer.id))]

    def customer(self, phone: str, surname: str, title: str, name: str, language: str = "zh-CN") -> None:
        add_customer(self.app, phone, surname=surname, title=title, name=name, language=language)

    def call_params(self, sid: str, **extra: str) -> dict[str, str]:
        return self.twilio.call_params(sid, CallStatus="in-progress", **extra)

    def enter(self, queue: str = "inquiry", language: str = "zh-CN", sid: str | None = None,
              from_number: str = "+8613800138000", priority: int | None = None) -> tuple[str, ET.Element]:
        """A caller the IVR already knows (a call row with its language) asks /voice/route for `queue`."""
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

    def route(self, sid: str, params: dict, queue: str = "inquiry") -> ET.Element:
        return twiml(self.twilio.post(f"/voice/route?queue={queue}", params))

    def post(self, url: str, sid: str, **form: str):
        """Twilio requesting a URL the TwiML named, for the caller `sid`."""
        return self.twilio.post(path_and_query(url), self.call_params(sid, **form))

    def post_url(self, url: str, params: dict):
        response = self.twilio.post(path_and_query(url), params)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    def answer(self, dial, params: dict) -> None:
        """The agent picks up: Twilio requests the <Client url> whisper on the agent's leg."""
        leg = dict(params, CallSid="CA" + "a" * 32, ParentCallSid=params["CallSid"], Direction="outbound-dial")
        self.post_url(dial.find("Client").get("url"), leg)

    def hang_up(self, dial, params: dict, talked: int) -> None:
        self.clock.advance(talked)
        self.post_url(dial.get("action"), dict(params, DialCallStatus="completed", DialCallDuration=str(talked)))
