"""A call's life from Twilio's side: inbound calls, REST-placed calls, dialed legs, status callbacks.

Status callbacks go where Twilio sends them: for inbound calls, the number's status callback URL
(/voice/status, `completed` only, as the console configures it); for REST calls and dialed legs,
their StatusCallback with the events asked for. `completed` carries CallDuration.
"""
from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from hotline.sandbox.engine import Sleep
from hotline.sandbox.interrupts import CallerHangup, RestUpdate
from hotline.sandbox.legs import FINAL, SimCall
from hotline.sandbox.scripts import AgentScript, CustomerScript
from hotline.sandbox.state import new_sid
from hotline.sandbox.twiml_doc import HANGUP, Next, parse, TwiMLError

EVENT_OF_STATUS = {"initiated": "initiated", "ringing": "ringing", "in-progress": "answered"}


class Legs:
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
        params = {"CallbackSource": "call-progress-events", "SequenceNumber": str(leg.sequence - 1),
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
            leg.process.interrupt(CallerHangup())

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
        self.status(leg, status)

    def passive_end(self, leg: SimCall, bridge) -> None:
        """A dialed leg has no TwiML of its own: it ends with the conversation."""
        if leg.process is None:
            self.end(leg, "completed")

    # Legs
    def dial_leg(self, parent: SimCall, address: str, noun, caller_id: str, base: str) -> SimCall:
        script = self.sim.agent_script(address)
        leg = SimCall(self.sim, new_sid("CA"), "outbound-dial", caller_id, address, parent=parent,
                      inputs=list(script.inputs), talk_seconds=script.talk_seconds, audio=script.audio, role="agent")
        if noun.get("statusCallback"):
            from hotline.sandbox.twiml_doc import resolve

            leg.status_callback = resolve(base, noun.get("statusCallback"))
            leg.status_method = noun.get("statusCallbackMethod", "POST").upper()
            leg.status_events = tuple((noun.get("statusCallbackEvent") or "completed").replace(",", " ").split())
        self.sim.add(leg)
        self.status(leg, "initiated")
        self.status(leg, "ringing")
        return leg

    def follow(self, leg: SimCall, url: str | None, method: str = "POST", params: dict | None = None,
               twiml: str | None = None):
        """Fetch TwiML and run it, following actions and redirects, until the call hangs up or ends."""
        from hotline.sandbox.verbs import run_verbs

        params = dict(params or {})
        while True:
            try:
                if twiml is not None:
                    try:
                        verbs, base = parse(twiml), url or ""
                    except TwiMLError as exc:
                        leg.log(f"Twiml does not parse ({exc}); Twilio hangs up (error 12100)")
                        return HANGUP
                    twiml = None
                else:
                    verbs, base = self.sim.fetch(leg, url, method, params, "twiml"), url
                    if verbs is None:
                        return HANGUP
                outcome = yield from run_verbs(self.sim, leg, verbs, base)
            except RestUpdate as update:
                if update.hangup:
                    leg.log("hung up by the app (REST Status=completed)")
                    return HANGUP
                leg.log(f"redirected by the app (REST) to {self.sim.short(update.url) if update.url else 'inline TwiML'}")
                url, method, params, twiml = update.url, update.method, {}, update.twiml
                continue
            if isinstance(outcome, Next):
                url, method, params = outcome.url, outcome.method, outcome.params
                continue
            if outcome is None:
                leg.log("no more TwiML: Twilio hangs up")
            return outcome

    def inbound(self, leg: SimCall, url: str):
        self.status(leg, "ringing")
        leg.log(f"calls {leg.to} from {leg.party}")
        try:
            # Twilio answers once the first TwiML comes back; the first request still says "ringing".
            yield from self.follow(leg, url, "POST")
        except CallerHangup:
            pass
        self.end(leg, leg.rejected or "completed")

    def outbound(self, leg: SimCall, rest: dict):
        script = self.sim.callee_script(leg.to)
        self.status(leg, "initiated")
        self.status(leg, "ringing")
        leg.log(f"rings {leg.party}")
        timeout = float(rest.get("timeout") or 60)
        answer = script.behaviour if isinstance(script, AgentScript) else script.answer
        delay = (script.answer_delay(self.sim.ring_seconds) if isinstance(script, AgentScript)
                 else script.answer_after_rings * self.sim.ring_seconds)
        try:
            if answer == "busy":
                yield Sleep(1.0)
                self.end(leg, "busy")
                return
            if answer == "failed":
                yield Sleep(0.5)
                self.end(leg, "failed")
                return
            if answer == "no-answer" or delay > timeout:
                yield Sleep(timeout)
                self.end(leg, "no-answer")
                return
            yield Sleep(delay)
        except RestUpdate as update:
            leg.log("canceled by the app while ringing" if update.hangup else "redirected while ringing")
            if update.hangup:
                self.end(leg, "canceled")
                return
        if rest.get("machine_detection"):
            leg.answered_by = self.answered_by(answer, rest["machine_detection"])
            if leg.rest is not None:
                leg.rest["answered_by"] = leg.answered_by
        self.answer(leg)
        extra = {}
        if leg.answered_by:
            extra["AnsweredBy"] = leg.answered_by
            extra["MachineDetectionDuration"] = "3000" if answer == "machine" else "1800"
        if answer == "machine":
            leg.inputs.clear()  # an answering machine presses nothing
        try:
            yield from self.follow(leg, rest.get("url"), rest.get("method") or "POST", extra, rest.get("twiml"))
        except CallerHangup:
            pass
        self.end(leg, "completed")

    @staticmethod
    def answered_by(answer: str, detection: str) -> str:
        if answer != "machine":
            return "human"
        return "machine_end_beep" if detection == "DetectMessageEnd" else "machine_start"


def is_agent_address(address: str) -> bool:
    return address.startswith(("client:", "sip:"))


__all__ = ["Legs", "CustomerScript", "is_agent_address"]
