"""A call's life from Twilio's side: inbound calls and REST-placed calls, following their TwiML."""
from __future__ import annotations

from sandbox.engine import Sleep
from sandbox.engine.interrupts import CallerHangup, RestUpdate, SoftphonePickUp
from sandbox.twiml.conference import JoinOptions, stay
from sandbox.twiml.document import HANGUP, Next, TwiMLError, parse
from sandbox.twiml.legs import SimCall
from sandbox.twiml.progress import CallProgress
from sandbox.twiml.scripts import AgentScript
from sandbox.twiml.verbs import run_verbs


class Legs(CallProgress):
    def follow(self, leg: SimCall, url: str | None, method: str = "POST", params: dict | None = None,
               twiml: str | None = None):
        """Fetch TwiML and run it, following actions and redirects, until the call hangs up or ends."""
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
                target = self.sim.short(update.url) if update.url else "inline TwiML"
                leg.log(f"redirected by the app (REST) to {target}")
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
        answer = script.behaviour if isinstance(script, AgentScript) else script.answer
        target = {"url": rest.get("url"), "method": rest.get("method") or "POST", "twiml": rest.get("twiml")}
        outcome = yield from self.ring(leg, answer, script, float(rest.get("timeout") or 60), target)
        if outcome != "answered":
            self.end(leg, outcome)
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
            yield from self.follow(leg, target["url"], target["method"], extra, target["twiml"])
        except CallerHangup:
            pass
        self.end(leg, "completed")

    def participant(self, leg: SimCall, options: JoinOptions, timeout: float):
        """A leg the Participants REST resource dials: rung like a REST call, then straight into the
        conference, with no TwiML of its own (removed, it hangs up; redirected, it follows the TwiML)."""
        script = self.sim.callee_script(leg.to)
        record = self.sim.sandbox.state.find_participant(self.sim.conferences.open(options.name).sid, leg.sid)
        self.status(leg, "initiated")
        self.status(leg, "ringing")
        if record is not None:
            record["status"] = "ringing"
        leg.log(f"rings {leg.party} for conference {options.name!r}")
        answer = script.behaviour if isinstance(script, AgentScript) else script.answer
        target: dict = {"url": None, "method": "POST", "twiml": None}
        outcome = yield from self.ring(leg, answer, script, timeout, target)
        if outcome != "answered":
            if record is not None:
                record["status"] = "failed"
            leg.log(f"never joins conference {options.name!r}: {outcome}")
            self.end(leg, outcome)
            return
        self.answer(leg)
        participant = self.sim.conferences.join(leg, options)
        try:
            yield from stay(self.sim, participant, run_verbs)
        except CallerHangup:
            self.sim.conferences.leave(participant, "participant_hung_up")
        except RestUpdate as update:
            self.sim.conferences.leave(participant, "participant_hung_up" if update.hangup
                                       else "participant_updated_via_api")
            if not update.hangup:
                try:
                    yield from self.follow(leg, update.url, update.method, {}, update.twiml)
                except CallerHangup:
                    pass
        self.end(leg, "completed")

    def ring(self, leg: SimCall, answer: str, script, timeout: float, target: dict):
        """Ring until the callee answers, is busy, fails or `timeout` passes; returns "answered" or the status.

        A REST redirect while ringing changes what the call will run once answered; a REST hang-up
        cancels it.
        """
        delay = (script.answer_delay(self.sim.ring_seconds) if isinstance(script, AgentScript)
                 else script.answer_after_rings * self.sim.ring_seconds)
        outcomes = {"busy": (1.0, "busy"), "failed": (0.5, "failed"), "no-answer": (timeout, "no-answer"),
                    "softphone": (timeout, "no-answer")}
        wait, result = outcomes.get(answer, (delay, "answered") if delay <= timeout else (timeout, "no-answer"))
        until = self.sim.engine.now + wait
        leg.softphone_ringing = answer == "softphone"
        try:
            while True:
                try:
                    yield Sleep(until - self.sim.engine.now)
                    return result
                except SoftphonePickUp as pick:
                    leg.log(pick.note)
                    return pick.outcome
                except RestUpdate as update:
                    if update.hangup:
                        leg.log("canceled by the app while ringing")
                        return "canceled"
                    leg.log("redirected by the app while ringing: will run the new TwiML once answered")
                    target.update(url=update.url, method=update.method, twiml=update.twiml)
        finally:
            leg.softphone_ringing = False

    @staticmethod
    def answered_by(answer: str, detection: str) -> str:
        if answer != "machine":
            return "human"
        return "machine_end_beep" if detection == "DetectMessageEnd" else "machine_start"


def is_agent_address(address: str) -> bool:
    return address.startswith(("client:", "sip:"))

