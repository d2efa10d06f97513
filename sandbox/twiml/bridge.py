"""Two legs talking: from the moment a <Dial> connects them until one hangs up.

The conversation lasts until a party's `talk_seconds` run out (agents, customers), `timeLimit`
passes, or someone's process is interrupted (a caller's `hangup_after`, a REST hang-up) and calls
`finish`. A recording made with `record-from-answer-*` covers exactly that span; in the dual mode
the first channel is the leg that dialed, the second the leg it reached, as with Twilio.
"""
from __future__ import annotations

from sandbox.engine import Future
from sandbox.engine.sids import new_sid
from sandbox.twiml.audio import AGENT_TONE, CALLER_TONE


class Bridge:
    def __init__(self, sim, parent, child, time_limit: float, record: str | None = None,
                 record_attrs: dict[str, str] | None = None, base: str = "") -> None:
        self.sim, self.parent, self.child = sim, parent, child
        self.time_limit = time_limit
        self.record, self.record_attrs, self.base = record, record_attrs or {}, base
        self.connected = Future()
        self.ended = Future()
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.recording = None
        self._recording_sid = new_sid("RE")
        self._timer = None

    @property
    def duration(self) -> int:
        if self.started_at is None or self.ended_at is None:
            return 0
        return int(round(self.ended_at - self.started_at))

    def start(self) -> None:
        if self.ended.done:
            return
        now = self.sim.engine.now
        self.started_at = now
        for leg, other in ((self.parent, self.child), (self.child, self.parent)):
            leg.bridged_with, leg.bridge, leg.heard = other, self, other
        self.parent.log(f"connected with {self.child.label.split()[0]} ({self.child.party})")
        self.child.log(f"connected with {self.parent.label.split()[0]} ({self.parent.party})")
        limits = [(self.time_limit, None)]
        limits += [(leg.talk_seconds, leg) for leg in (self.parent, self.child) if leg.talk_seconds is not None]
        seconds, who = min(limits, key=lambda item: item[0])
        self._timer = self.sim.engine.at(now + seconds, lambda: self.finish(who))
        if self.record:
            self.sim.recordings.notify_started(self.parent, self._recording_sid, self.record_attrs, self.base,
                                               2 if self.record.endswith("dual") else 1, "DialVerb")
        self.connected.resolve(True)

    def finish(self, who) -> None:
        """End the conversation; `who` hung up (None: Dial's timeLimit)."""
        if self.ended.done:
            return
        self.ended_at = self.sim.engine.now
        if self._timer is not None:
            self._timer.cancel()
        for leg in (self.parent, self.child):
            leg.bridged_with = None
        if self.started_at is not None:
            ender = "timeLimit" if who is None else who.label.split()[1]
            self.parent.log(f"conversation ends after {self.duration} s ({ender} hung up)")
            if self.record:
                self._make_recording()
        self.connected.resolve(False)
        self.ended.resolve(who)

    def _make_recording(self) -> None:
        def part(leg):
            return leg.audio, (AGENT_TONE if leg.role == "agent" else CALLER_TONE)

        seconds = self.ended_at - self.started_at
        self.recording = self.sim.recordings.make(self.parent, [part(self.parent), part(self.child)], seconds,
                                                  "DialVerb", sid=self._recording_sid,
                                                  mono=not self.record.endswith("dual"))
        self.parent.log(f"recording {self.recording.sid}: {self.recording.duration} s, "
                        f"{self.recording.channels} channel(s)")
        self.sim.recordings.notify(self.parent, self.recording, self.record_attrs, self.base)
