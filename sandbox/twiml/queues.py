"""Twilio's named call queues: <Enqueue> with waitUrl and <Leave>, and being taken out by <Dial><Queue>.

A caller waits in the queue while the waitUrl's TwiML plays (requested on entry and again each time
it finishes); they leave by <Leave>, by hanging up, by a REST redirect of their call, or when a
<Dial><Queue> on another call bridges them. Then the Enqueue's `action` is requested with
`QueueResult` (after the conversation, for `bridged`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.engine import Future, Sleep, Wait
from sandbox.engine.interrupts import CallerHangup, Dequeued, RestUpdate
from sandbox.engine.sids import new_sid
from sandbox.twiml.document import HANGUP, LEAVE, Next, resolve

IDLE_WAIT_SECONDS = 5.0  # a waitUrl whose TwiML takes no time is not re-requested in a tight loop


@dataclass
class Member:
    call: object
    entered_at: float


@dataclass
class SimQueue:
    name: str
    max_size: int = 1000
    sid: str = field(default_factory=lambda: new_sid("QU"))
    members: list[Member] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    arrival: Future = field(default_factory=Future)

    def join(self, call, now: float) -> None:
        self.members.append(Member(call, now))
        arrival, self.arrival = self.arrival, Future()
        arrival.resolve(call)

    def leave(self, call, now: float) -> float | None:
        for member in self.members:
            if member.call is call:
                self.members.remove(member)
                self.waits.append(now - member.entered_at)
                return now - member.entered_at
        return None

    def position(self, call) -> int:
        return next((n for n, m in enumerate(self.members, start=1) if m.call is call), 0)

    def average_wait(self) -> int:
        return int(sum(self.waits) / len(self.waits)) if self.waits else 0


def wait_params(queue: SimQueue, call, entered_at: float, now: float) -> dict[str, str]:
    return {"QueueSid": queue.sid, "QueuePosition": str(queue.position(call)), "QueueTime": str(int(now - entered_at)),
            "AvgQueueTime": str(queue.average_wait()), "CurrentQueueSize": str(len(queue.members)),
            "MaxQueueSize": str(queue.max_size)}


def enqueue(sim, call, verb, base: str, run_verbs):
    """`run_verbs` plays the wait and dequeue TwiML (verbs.run_verbs)."""
    attrs = verb.attrib
    name = (verb.text or "").strip()
    action = resolve(base, attrs["action"]) if attrs.get("action") else None
    method = attrs.get("method", "POST").upper()
    wait_url = resolve(base, attrs["waitUrl"]) if attrs.get("waitUrl") else None
    wait_method = attrs.get("waitUrlMethod", "POST").upper()
    queue = sim.queue(name)
    engine = sim.engine
    if len(queue.members) >= queue.max_size:
        call.log(f"<Enqueue> {name}: the queue is full")
        return finish(call, action, method, {"QueueResult": "queue-full", "QueueSid": queue.sid, "QueueTime": "0"})
    entered = engine.now
    queue.join(call, entered)
    call.queue = name
    call.log(f"<Enqueue> joins queue {name!r} at position {queue.position(call)}")
    result = "leave"
    try:
        if wait_url is None:
            yield Wait(Future())  # Twilio's hold music, until something takes the caller out
        extra: dict[str, str] = {}
        while wait_url is not None:
            started = engine.now
            params = {**wait_params(queue, call, entered, engine.now), **extra}
            verbs = sim.fetch(call, wait_url, wait_method, params, "wait")
            if verbs is None:
                yield Wait(Future())  # the waitUrl failed: Twilio's own hold music from here on
            outcome = yield from run_verbs(sim, call, verbs, wait_url, "wait")
            if outcome == LEAVE:
                break
            if outcome == HANGUP:
                result = "hangup"
                break
            # A <Redirect> or a <Gather>'s action replaces the wait TwiML; the caller stays queued.
            extra = outcome.params if isinstance(outcome, Next) else {}
            if isinstance(outcome, Next):
                wait_url, wait_method = outcome.url, outcome.method
            if engine.now == started:
                yield Sleep(IDLE_WAIT_SECONDS)
    except Dequeued as dequeued:
        waited = queue.leave(call, engine.now) or 0.0
        call.queue = None
        yield from be_bridged(sim, call, queue, dequeued, waited, action, method, run_verbs)
        return finish(call, action, method, {"QueueResult": "bridged", "QueueSid": queue.sid,
                                             "QueueTime": str(int(waited))})
    except (CallerHangup, RestUpdate) as exc:
        waited = queue.leave(call, engine.now) or 0.0
        call.queue = None
        reason = "hangup" if isinstance(exc, CallerHangup) or exc.hangup else "redirected"
        call.log(f"leaves queue {name!r} ({reason}) after {int(waited)} s")
        if action:
            sim.request(call, "action", action, method,
                        {"QueueResult": reason, "QueueSid": queue.sid, "QueueTime": str(int(waited))})
        raise
    waited = queue.leave(call, engine.now) or 0.0
    call.queue = None
    call.log(f"leaves queue {name!r} ({result}) after {int(waited)} s")
    params = {"QueueResult": result, "QueueSid": queue.sid, "QueueTime": str(int(waited))}
    if result == "hangup":
        if action:
            sim.request(call, "action", action, method, params)
        return HANGUP
    return finish(call, action, method, params)


def finish(call, action: str | None, method: str, params: dict[str, str]):
    """Without an action, Twilio goes on with the verb after <Enqueue>."""
    return Next(action, method, params) if action else None


def be_bridged(sim, call, queue: SimQueue, dequeued: Dequeued, waited: float, action, method, run_verbs):
    """Taken out by <Dial><Queue>: hear the Queue noun's url TwiML, then talk until someone hangs up."""
    bridge = dequeued.bridge
    call.log(f"taken from queue {queue.name!r} by {dequeued.dequeuer.sid[:6]} after {int(waited)} s")
    try:
        if dequeued.url:
            params = {"QueueSid": queue.sid, "QueueTime": str(int(waited)), "DequeingCallSid": dequeued.dequeuer.sid}
            verbs = sim.fetch(call, dequeued.url, dequeued.method, params, "dequeue")
            if verbs:
                yield from run_verbs(sim, call, verbs, dequeued.url, "whisper")
        bridge.start()
        who = yield Wait(bridge.ended)
    except (CallerHangup, RestUpdate) as exc:
        bridge.finish(call)
        if action and isinstance(exc, CallerHangup):
            sim.request(call, "action", action, method,
                        {"QueueResult": "bridged", "QueueSid": queue.sid, "QueueTime": str(int(waited))})
        raise
    if who is call:
        if action:
            sim.request(call, "action", action, method,
                        {"QueueResult": "bridged", "QueueSid": queue.sid, "QueueTime": str(int(waited))})
        raise CallerHangup(call)

