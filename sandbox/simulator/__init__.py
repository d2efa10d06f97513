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

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, Callable

from hotline.clock import FrozenClock
from hotline.settings import DEFAULT_RING_SECONDS
from sandbox.engine import Engine
from sandbox.engine.sids import new_sid
from sandbox.rest.server import ensure_sandbox
from sandbox.simulator.recording import Recordings
from sandbox.simulator.rest_events import RestEvents
from sandbox.simulator.sms import Messages
from sandbox.simulator.softphones import Softphones
from sandbox.twiml.conference import Conferences
from sandbox.twiml.flows import Legs, is_agent_address
from sandbox.twiml.legs import SimCall, TimelineEntry
from sandbox.twiml.queues import SimQueue
from sandbox.twiml.scripts import AgentScript, CustomerScript, Input, Script
from sandbox.twiml.transport import InProcessTransport, Transport, WebhookRequest
from sandbox.twiml.webhooks import Webhooks


class Simulator:
    def __init__(self, app=None, *, transport: Transport | None = None, sandbox=None, realtime: bool = False,
                 speed: float = 1.0, ring_seconds: float | None = None,
                 echo: Callable[[TimelineEntry], None] | None = None, max_seconds: float = 3600.0) -> None:
        if app is not None:
            settings = app.config["HOTLINE_SETTINGS"]
            clock = app.extensions["hotline.clock"]
            if not isinstance(clock, FrozenClock):
                clock = app.extensions["hotline.clock"] = FrozenClock(clock.now())
            sandbox = sandbox or ensure_sandbox(settings, app)
            transport = transport or InProcessTransport(app, clock.now())
            ring_seconds = ring_seconds or settings.ring_seconds
            self.number = settings.twilio_from_number
        else:
            self.number = "+15005550006"
        self._wall_start = datetime.now(timezone.utc)
        if transport is None or sandbox is None:
            raise ValueError("a Simulator needs an app, or a transport and a sandbox")
        self.app = app
        self.transport = transport
        self.sandbox = sandbox
        self.account_sid = sandbox.state.account_sid
        self.engine = Engine(realtime=realtime, speed=speed)
        self.ring_seconds = float(ring_seconds or DEFAULT_RING_SECONDS)
        self.play_seconds = 5.0
        self.recording_delay = 2.0  # seconds from the end of a recording to its status callback
        self.max_seconds = max_seconds
        self.status_url = transport.public_base_url + "/voice/status"
        self.calls: list[SimCall] = []
        self.timeline: list[TimelineEntry] = []
        self.requests: list[WebhookRequest] = []
        self.errors: list[str] = []
        self.streams: list = []  # MediaStreams the app started (sandbox/twiml/media_stream.py)
        # How fast streams send audio: "engine" (real time x the engine's speed, or as fast as the
        # socket takes it on a virtual clock), or a number (1.0 real time), or None (as fast as possible).
        self.stream_speed: Any = "engine"
        self.queues: dict[str, SimQueue] = {}
        self.conferences = Conferences(self)
        self.agents: dict[str, AgentScript] = {}
        self.customers: dict[str, CustomerScript] = {}
        self.default_agent = AgentScript()
        self.default_customer = CustomerScript()
        self.legs = Legs(self)
        self.recordings = Recordings(self)
        self.messages = Messages(self)
        self.softphones = Softphones(self)
        self.webhooks = Webhooks(self)
        self._by_sid: dict[str, SimCall] = {}
        self._echo = echo
        sandbox.state.listener = RestEvents(self)
        for placed in [c for c in sandbox.state.calls if c["status"] == "queued"]:
            sandbox.state.listener.on_call_created(placed)  # placed before the simulator was there

    # Scripting
    def call(self, from_: str = "+8613800138000", to: str | None = None, *, at: float | None = None,
             inputs: list[Input] | None = None, hangup_after: float | None = None, url: str = "/voice/incoming",
             audio: str | None = None) -> SimCall:
        """An inbound call to `to` (default: the app's TWILIO_FROM_NUMBER), `at` virtual seconds after the start."""
        leg = SimCall(self, new_sid("CA"), "inbound", from_, to or self.number, inputs=inputs,
                      hangup_after=hangup_after, audio=audio, role="caller")
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
        """Add a script's agents and customers, and schedule its calls (`at` counts from now)."""
        self.agents.update(script.agents)
        self.customers.update(script.customers)
        if script.ring_seconds:
            self.ring_seconds = float(script.ring_seconds)
        return [self.call(c.from_, c.to, at=self.engine.now + c.at, inputs=list(c.inputs),
                          hangup_after=c.hangup_after, url=c.url, audio=c.audio) for c in script.calls]

    def sms(self, from_: str, body: str, to: str | None = None, at: float | None = None):
        """A customer texts the app's number (Twilio applies STOP/START first, then posts /sms/incoming)."""
        return self.messages.inbound(from_, body, to, at)

    # Running
    @property
    def start(self) -> datetime:
        """The date and time virtual second 0 stands for (moves when a test advances the app's clock)."""
        return getattr(self.transport, "start", self._wall_start)

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
        if leg.rest is None:  # Twilio's API knows inbound calls and dialed legs too
            leg.rest = {"sid": leg.sid, "account_sid": self.account_sid, "to": leg.to, "from": leg.from_,
                        "status": leg.status, "direction": leg.direction, "date_created": self.wall_time(),
                        "parent_call_sid": leg.parent.sid if leg.parent is not None else None}
            self.sandbox.state.track_call(leg.rest)

    def wall_time(self) -> str:
        """Now on the simulated calls' clock, as Twilio's REST resources write times (RFC 2822)."""
        return format_datetime(self.start + timedelta(seconds=self.engine.now), usegmt=True)

    def queue(self, name: str) -> SimQueue:
        return self.queues.setdefault(name, SimQueue(name))

    def agent_script(self, address: str) -> AgentScript:
        """How `address` behaves when a <Dial> rings it: an agent, or a customer's phone."""
        if address not in self.agents and address in self.customers:
            customer = self.customers[address]
            behaviour = "answer" if customer.answer in ("human", "machine") else customer.answer
            return AgentScript(behaviour=behaviour, answer_after_rings=customer.answer_after_rings,
                               talk_seconds=customer.hangup_after, audio=customer.audio, inputs=customer.inputs)
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
        return self.webhooks.params(leg)

    def request(self, leg: SimCall, kind: str, url: str, method: str, params: dict[str, str],
                common: bool = True) -> WebhookRequest:
        return self.webhooks.request(leg, kind, url, method, params, common)

    def fetch(self, leg: SimCall, url: str, method: str, params: dict[str, str], kind: str):
        return self.webhooks.fetch(leg, url, method, params, kind)
