"""A leg's progress (initiated, ringing, answered, ended) and the status callbacks Twilio sends for it.

Status callbacks go where Twilio sends them: for inbound calls, the number's status callback URL
(/voice/status, `completed` only, as the console configures it); for REST calls and dialed legs,
their StatusCallback with the events asked for. `completed` carries CallDuration.
"""
from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from sandbox.engine.interrupts import CallerHangup
from sandbox.engine.sids import new_sid
from sandbox.twiml.document import resolve
from sandbox.twiml.legs import FINAL, SimCall

EVENT_OF_STATUS = {"initiated": "initiated", "ringing": "ringing", "in-progress": "answered"}


class CallProgress:
    def __init__(self, sim) -> None:
        self.sim = sim

    # Status changes and their callbacks
    def status(self, leg: SimCall, status: str) -> None:
        leg.set_status(status)
        event = "completed" if status in FINAL else EVENT_OF_STATUS.get(status)
        if leg.status_callback and event in leg.status_events:
            self.sim.request(leg, "status", leg.status_callback, leg.status_method, self.status_params(leg, event))

    def status_params(self, leg: SimCall, event: str) -> dict[str, str]:
        leg.sequence += 1
        params = {"CallStatus": leg.status, "CallbackSource": "call-progress-events",
                  "SequenceNumber": str(leg.sequence - 1),
                  "Timestamp": format_datetime(self.sim.start + timedelta(seconds=self.sim.engine.now), usegmt=True)}
        if event == "completed":
            params["CallDuration"] = str(leg.duration)
            params["Duration"] = str(max(1, -(-leg.duration // 60)) if leg.duration else 0)
        return params

    def answer(self, leg: SimCall) -> None:
        leg.answered_at = self.sim.engine.now
        leg.log("answers")
        self.status(leg, "in-progress")
        if leg.hangup_after is not None:
            leg.hangup_timer = self.sim.engine.at(self.sim.engine.now + leg.hangup_after,
                                                  lambda: self.hang_up(leg, "hangs up (hangup_after)"))

    def hang_up(self, leg: SimCall, why: str) -> None:
        if leg.alive and leg.process is not None and leg.process.alive:
            leg.log(why)
            leg.process.interrupt(CallerHangup(leg))

    def end(self, leg: SimCall, status: str) -> None:
        if not leg.alive:
            return
        leg.ended_at = self.sim.engine.now
        if leg.hangup_timer is not None:
            leg.hangup_timer.cancel()
        if leg.queue is not None:
            self.sim.queue(leg.queue).leave(leg, self.sim.engine.now)
            leg.queue = None
        leg.log(f"call ends: {status}" + (f" after {leg.duration} s" if leg.answered_at is not None else ""))
        self.sim.recordings.finish_leg_recordings(leg)
        self.status(leg, status)

    def passive_end(self, leg: SimCall) -> None:
        """A dialed leg has no TwiML of its own: it ends with the conversation."""
        if leg.process is None:
            self.end(leg, "completed")

    # Legs
    def dial_leg(self, parent: SimCall, address: str, noun, caller_id: str, base: str) -> SimCall:
        script = self.sim.agent_script(address)
        leg = SimCall(self.sim, new_sid("CA"), "outbound-dial", caller_id, address, parent=parent,
                      inputs=list(script.inputs), talk_seconds=script.talk_seconds, audio=script.audio,
                      role="customer" if address in self.sim.customers and address not in self.sim.agents else "agent")
        if noun.get("statusCallback"):
            leg.status_callback = resolve(base, noun.get("statusCallback"))
            leg.status_method = noun.get("statusCallbackMethod", "POST").upper()
            leg.status_events = tuple((noun.get("statusCallbackEvent") or "completed").replace(",", " ").split())
        self.sim.add(leg)
        self.status(leg, "initiated")
        self.status(leg, "ringing")
        return leg
