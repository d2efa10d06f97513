"""The desk's softphone in sandbox mode: what an agent's browser does to their own leg.

Twilio's Voice SDK answers, declines and hangs up the `client:<identity>` leg in the browser; with no
Twilio account the desk asks the sandbox to do the same (`/_simulator/softphones/<address>/<action>`,
sandbox/rest/softphones.py, reached only through hotline's `POST /api/softphone/<action>` for the
signed-in agent's own address). A registered address rings until it is answered there, as a real
softphone does, instead of answering by itself after a ring (`AgentScript.behaviour` "softphone").

The REST thread looks for the leg (so the desk hears at once when nothing is ringing); the change
itself is posted to the engine and happens at the current simulated time, like every REST request.
"""
from __future__ import annotations

from typing import Any

from sandbox.engine.interrupts import SoftphonePickUp
from sandbox.rest.state import SandboxError
from sandbox.twiml.scripts import AgentScript

ACTIONS = ("register", "answer", "decline", "hangup", "say")


class Softphones:
    def __init__(self, sim) -> None:
        self.sim = sim

    def act(self, address: str, action: str, text: str = "") -> dict[str, Any]:
        if action not in ACTIONS:
            raise SandboxError(404, 20404, f"no softphone action {action!r} (one of {', '.join(ACTIONS)})")
        if action == "register":
            return self.register(address)
        if action in ("answer", "decline"):
            leg = self._leg(address, lambda c: c.softphone_ringing, "nothing is ringing for")
            outcome = "answered" if action == "answer" else "busy"
            self.sim.engine.post(lambda: self._pick_up(leg, outcome))
            return {"address": address, "call_sid": leg.sid, "action": action}
        leg = self._leg(address, lambda c: c.answered_at is not None, "no call is going on for")
        if action == "hangup":
            self.sim.engine.post(lambda: self._hang_up(leg))
        else:
            if not text.strip():
                raise SandboxError(400, 21201, "say: the text is empty")
            self.sim.engine.post(lambda: self._say(leg, text.strip()))
        return {"address": address, "call_sid": leg.sid, "action": action}

    def register(self, address: str) -> dict[str, Any]:
        """The desk is open with its softphone: calls to `address` ring until answered there. An
        address a script already describes (a test's or a YAML file's agent) keeps its script."""
        script = self.sim.agents.get(address)
        if script is None:
            self.sim.agents[address] = AgentScript(behaviour="softphone", talk_seconds=None)
        softphone = script is None or script.behaviour == "softphone"
        return {"address": address, "action": "register", "softphone": softphone}

    def _leg(self, address: str, wanted, missing: str):
        legs = [c for c in list(self.sim.calls) if c.to == address and c.role == "agent" and c.alive and wanted(c)]
        if not legs:
            raise SandboxError(409, 21220, f"{missing} {address}")
        return legs[-1]

    @staticmethod
    def _pick_up(leg, outcome: str) -> None:
        # A REST-placed or Participants leg rings in its own process; a <Dial>'s leg in the caller's.
        process = leg.process if leg.process is not None else (leg.parent.process if leg.parent else None)
        if leg.softphone_ringing and process is not None and process.alive:
            process.interrupt(SoftphonePickUp(outcome, leg))

    def _hang_up(self, leg) -> None:
        if leg.process is not None:
            self.sim.legs.hang_up(leg, "hangs up in the desk's softphone")
        elif leg.bridge is not None and leg.alive:  # a <Dial>'s leg, bridged with the caller
            leg.log("hangs up in the desk's softphone")
            leg.bridge.finish(leg)

    @staticmethod
    def _say(leg, text: str) -> None:
        """A line of test text said into the conversation: on the leg's timeline and in `spoken`
        (audio is not simulated in a conference, so no one's transcript hears it)."""
        if leg.alive:
            leg.spoken.append(text)
            leg.log(f"says {text!r} in the desk's softphone")
