"""The call simulator: Twilio's side of many concurrent calls, on a virtual clock (docs/sandbox.md).

    sim = Simulator(app)                       # in-process: the app's test client, its FrozenClock
    sim.agent("client:alice", answer_after_rings=2, talk_seconds=60)
    call = sim.call(from_="+8613800138000", inputs=[press("1")], hangup_after=120)
    sim.run()
    print(call.timeline_text())

The simulator is also the sandbox's listener: calls the app places through the gateway are played
(ringing, answering per the customer/agent scripts), and REST redirects and hang-ups reach the
call wherever it is.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from hotline.sandbox.engine import Engine
from hotline.sandbox.flows import Legs, is_agent_address
from hotline.sandbox.interrupts import RestUpdate
from hotline.sandbox.legs import FINAL, SimCall, TimelineEntry
from hotline.sandbox.queues import SimQueue
from hotline.sandbox.recording import Recordings
from hotline.sandbox.scripts import AgentScript, CallScript, CustomerScript, Input, Script
from hotline.sandbox.state import SandboxError, new_sid
from hotline.sandbox.transport import InProcessTransport, Transport, WebhookRequest
from hotline.sandbox.twiml_doc import TwiMLError, parse
from hotline.sandbox.sms import Messages

XML_TYPES = {"text/xml", "application/xml", "text/html"}
COUNTRIES = (("+86", "CN"), ("+1", "US"), ("+44", "GB"), ("+852", "HK"))


class Simulator:
    def __init__(self, app=None, *, transport: Transport | None = None, sandbox=None, realtime: bool = False,
                 ring_seconds: float | None = None, echo: Callable[[TimelineEntry], None] | None = None,
                 max_seconds: float = 3600.0) -> None:
        if app is not None:
            from hotline.clock import FrozenClock
            from hotline.sandbox.server import ensure_sandbox

            settings = app.config["HOTLINE_SETTINGS"]
            clock = app.extensions["hotline.clock"]
            if not isinstance(clock, FrozenClock):
                clock = app.extensions["hotline.clock"] = FrozenClock(clock.now())
            self.start = clock.now()
            sandbox = sandbox or ensure_sandbox(settings, app)
            transport = transport or InProcessTransport(app, self.start)
            ring_seconds = ring_seconds or settings.ring_seconds
            self.number = settings.twilio_from_number
        else:
            self.start = datetime.now(timezone.utc)
            self.number = "+15005550006"
        if transport is None or sandbox is None:
            raise ValueError("a Simulator needs an app, or a transport and a sandbox")
        self.app = app
        self.transport = transport
        self.sandbox = sandbox
        self.account_sid = sandbox.state.account_sid
        self.engine = Engine(realtime=realtime)
        self.ring_seconds = float(ring_seconds or 6)
        self.play_seconds = 5.0
        self.max_seconds = max_seconds
        self.status_url = transport.public_base_url + "/voice/status"
        self.calls: list[SimCall] = []
        self.timeline: list[TimelineEntry] = []
        self.requests: list[WebhookRequest] = []
        self.errors: list[str] = []
        self.queues: dict[str, SimQueue] = {}
        self.agents: dict[str, AgentScript] = {}
        self.customers: dict[str, CustomerScript] = {}
        self.default_agent = AgentScript()
        self.default_customer = CustomerScript()
        self.legs = Legs(self)
        self.recordings = Recordings(self)
        self.messages = Messages(self)
        self._by_sid: dict[str, SimCall] = {}
        self._echo = echo
        sandbox.state.listener = self

    # Scripting
    def call(self, from_: str = "+8613800138000", to: str = "+861095555", *, at: float | None = None,
             inputs: list[Input] | None = None, hangup_after: float | None = None, url: str = "/voice/incoming",
             audio: str | None = None) -> SimCall:
        """An inbound call to the app's number, starting `at` virtual seconds after the simulation began."""
        leg = SimCall(self, new_sid("CA"), "inbound", from_, to, inputs=inputs, hangup_after=hangup_after,
                      audio=audio, role="caller")
        leg.status_callback, leg.status_events = self.status_url, ("completed",)
        self.add(leg)
        absolute = url if url.startswith(("http://", "https://")) else self.transport.public_base_url + url
        leg.process = self.engine.spawn(self.legs.inbound(leg, absolute), leg.sid,
                                        at=max(self.engine.now, at if at is not None else self.engine.now))
        return leg

    def agent(self, address: str, **behaviour: Any) -> AgentScript:
        self.agents[address] = AgentScript(**behaviour)
        return self.agents[address]

    def customer(self, number: str, **behaviour: Any) -> CustomerScript:
        self.customers[number] = CustomerScript(**behaviour)
        return self.customers[number]

    def load(self, script: Script) -> list[SimCall]:
        self.agents.update(script.agents)
        self.customers.update(script.customers)
        if script.ring_seconds:
            self.ring_seconds = float(script.ring_seconds)
        return [self.call(c.from_, c.to, at=c.at, inputs=list(c.inputs), hangup_after=c.hangup_after, url=c.url,
                          audio=c.audio) for c in script.calls]

    def sms(self, from_: str, body: str, to: str | None = None, at: float | None = None):
        """A customer texts the app's number (Twilio applies STOP/START first, then posts /sms/incoming)."""
        return self.messages.inbound(from_, body, to, at)

    # Running
    @property
    def now(self) -> float:
        return self.engine.now

    def run(self, until: float | None = None) -> "Simulator":
        """Play every call until all have ended or nothing more can happen, or virtual time `until`."""
        limit = until if until is not None else self.engine.now + self.max_seconds
        self.engine.run(until=limit, idle=self._live, advance=until is not None)
        return self

    def run_until(self, predicate: Callable[[], bool], limit: float = 3600.0) -> bool:
        self.engine.run(until=self.engine.now + limit, stop=predicate, idle=self._live, advance=False)
        return predicate()

    def _live(self) -> bool:
        return any(call.alive for call in self.calls)

    def find(self, sid: str) -> SimCall | None:
        return self._by_sid.get(sid)

    def timeline_text(self) -> str:
        return "\n".join(str(entry) for entry in self.timeline)

    def replay(self, request: WebhookRequest) -> WebhookRequest:
        """Send a request again exactly as before (Twilio's retries and duplicate deliveries)."""
        again = WebhookRequest(self.engine.now, request.call_sid, request.kind, request.method, request.url,
                               dict(request.params), request.signature)
        self.transport.send(again, self.engine.now)
        self.requests.append(again)
        return again

    def replay_status(self, call: SimCall, times: int = 1, reverse: bool = False) -> list[WebhookRequest]:
        sent = [r for r in self.requests if r.call_sid == call.sid and r.kind == "status"]
        return [self.replay(r) for r in (reversed(sent) if reverse else sent) for _ in range(times)]

    # Used by the flows
    def add(self, leg: SimCall) -> None:
        self.calls.append(leg)
        self._by_sid[leg.sid] = leg

    def queue(self, name: str) -> SimQueue:
        return self.queues.setdefault(name, SimQueue(name))

    def agent_script(self, address: str) -> AgentScript:
        return self.agents.get(address) or self.default_agent

    def callee_script(self, number: str) -> AgentScript | CustomerScript:
        if number in self.agents or (is_agent_address(number) and number not in self.customers):
            return self.agent_script(number)
        return self.customers.get(number) or self.default_customer

    def short(self, url: str | None) -> str:
        base = self.transport.public_base_url
        return url[len(base):] if url and url.startswith(base) else (url or "")

    def echo(self, entry: TimelineEntry) -> None:
        if self._echo is not None:
            self._echo(entry)

    def params(self, leg: SimCall) -> dict[str, str]:
        status = "ringing" if leg.answered_at is None and leg.alive else leg.status
        params = {"AccountSid": self.account_sid, "ApiVersion": "2010-04-01", "CallSid": leg.sid,
                  "CallStatus": status, "Direction": leg.direction, "From": leg.from_, "To": leg.to,
                  "Caller": leg.from_, "Called": leg.to, "FromCountry": country(leg.from_),
                  "ToCountry": country(leg.to)}
        if leg.parent is not None:
            params["ParentCallSid"] = leg.parent.sid
        if leg.answered_by:
            params["AnsweredBy"] = leg.answered_by
        return params

    def request(self, leg: SimCall, kind: str, url: str, method: str, params: dict[str, str],
                common: bool = True) -> WebhookRequest:
        form = {**self.params(leg), **params} if common else dict(params)
        target, form = self.transport.prepare(method, url, form)
        request = WebhookRequest(self.engine.now, leg.sid, kind, method, target, form,
                                 self.transport.sign(target, form))
        self.transport.send(request, self.engine.now)
        self.requests.append(request)
        outcome = request.error or f"HTTP {request.status}"
        if kind in ("status", "recording", "action"):
            what = {"status": f"status callback {form.get('CallStatus', '')}",
                    "recording": f"recording callback {form.get('RecordingStatus', '')}",
                    "action": "action (TwiML ignored: the call is gone)"}[kind]
            leg.log(f"{what} -> {self.short(url)}: {outcome}")
        if kind in ("status", "recording", "action") and (request.error or request.status >= 400):
            self.errors.append(f"{kind} {method} {self.short(url)}: {outcome}")
        return request

    def fetch(self, leg: SimCall, url: str, method: str, params: dict[str, str], kind: str):
        """Request TwiML; on any error Twilio apologises and hangs up, and so does the simulator."""
        leg.urls.append(url)
        request = self.request(leg, kind, url, method, params)
        problem = None
        if request.error or not 200 <= request.status < 300:
            problem = f"{request.error or 'HTTP ' + str(request.status)} (Twilio error 11200)"
        elif request.content_type not in XML_TYPES:
            problem = f"Content-Type {request.content_type or 'missing'} is not TwiML (Twilio error 12300)"
        else:
            try:
                verbs = parse(request.body)
            except TwiMLError as exc:
                problem = f"{exc} (Twilio error 12100)"
        if problem:
            leg.log(f"{method} {self.short(url)} -> {problem}; Twilio says an application error occurred and "
                    "hangs up")
            leg.errors.append(problem)
            self.errors.append(f"{self.short(url)}: {problem}")
            return None
        names = ", ".join(v.tag for v in verbs) or "empty"
        leg.log(f"{method} {self.short(url)} -> {request.status} ({names})")
        if leg.direction == "inbound" and leg.answered_at is None and (not verbs or verbs[0].tag != "Reject"):
            self.legs.answer(leg)
        return verbs

    # The sandbox's listener (called from the REST server's threads)
    def on_call_created(self, rest: dict[str, Any]) -> None:
        self.engine.post(lambda: self._place(rest))

    def _place(self, rest: dict[str, Any]) -> None:
        script = self.callee_script(rest["to"])
        agent = isinstance(script, AgentScript)
        leg = SimCall(self, rest["sid"], "outbound-api", rest["from"], rest["to"], inputs=list(script.inputs),
                      hangup_after=None if agent else script.hangup_after,
                      talk_seconds=script.talk_seconds if agent else None, audio=script.audio,
                      role="agent" if agent else "customer")
        leg.rest = rest
        if rest.get("status_callback"):
            leg.status_callback = rest["status_callback"]
            leg.status_method = (rest.get("status_callback_method") or "POST").upper()
            leg.status_events = tuple(e for event in rest["status_callback_event"] for e in event.split())
        leg.machine_detection = rest.get("machine_detection")
        self.add(leg)
        leg.process = self.engine.spawn(self.legs.outbound(leg, rest), leg.sid)

    def on_call_updated(self, sid: str, changes: dict[str, str]) -> dict[str, Any] | None:
        leg = self._by_sid.get(sid)
        if leg is None:
            return None  # a REST call not yet picked up: the sandbox answers from its own record
        if leg.status in FINAL:
            raise SandboxError(400, 21220, "Call is not in-progress. Cannot redirect.")
        self.engine.post(lambda: self._update(leg, changes))
        record = dict(leg.rest or {"sid": leg.sid, "account_sid": self.account_sid, "to": leg.to,
                                   "from": leg.from_, "direction": leg.direction, "date_created": None})
        record["status"] = leg.status
        return record

    def _update(self, leg: SimCall, changes: dict[str, str]) -> None:
        if not leg.alive:
            return
        hangup = changes.get("Status") in ("completed", "canceled")
        update = RestUpdate(url=changes.get("Url"), method=(changes.get("Method") or "POST").upper(),
                            twiml=changes.get("Twiml"), hangup=hangup)
        if leg.process is not None and leg.process.alive:
            leg.process.interrupt(update)
        elif leg.bridge is not None and hangup:
            leg.log("hung up by the app (REST Status=completed)")
            leg.bridge.finish(leg)
        elif hangup:
            self.legs.end(leg, "completed" if leg.answered_at is not None else "canceled")
        else:
            if leg.bridge is not None:
                leg.bridge.finish(None)
            leg.log("redirected by the app (REST)")
            leg.process = self.engine.spawn(self._redirected(leg, update), leg.sid)

    def _redirected(self, leg: SimCall, update: RestUpdate):
        yield from self.legs.follow(leg, update.url, update.method, {}, update.twiml)
        self.legs.end(leg, "completed")

    def on_message_created(self, message: dict[str, Any]) -> None:
        self.engine.post(lambda: self.messages.deliver(message))


def country(number: str) -> str:
    return next((code for prefix, code in sorted(COUNTRIES, key=lambda c: -len(c[0])) if number.startswith(prefix)), "")


__all__ = ["Simulator", "CallScript"]
