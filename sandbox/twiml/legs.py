"""A simulated call leg and its readable timeline."""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hotline.logging import mask_phone
from sandbox.twiml.scripts import Input, Silence

if TYPE_CHECKING:
    from sandbox.engine import Process, Timer

FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})


@dataclass(frozen=True)
class TimelineEntry:
    at: float
    call: "SimCall"
    text: str

    def __str__(self) -> str:
        return self.line()

    def line(self, origin: float = 0.0) -> str:
        """The entry with its time counted from `origin` (a run's start), in simulated seconds."""
        return f"{self.at - origin:8.1f}s  {self.call.label:<16} {self.text}"


class SimCall:
    """One leg: an inbound caller, an agent or number a <Dial> rings, or a call placed through REST."""

    def __init__(self, sim, sid: str, direction: str, from_: str, to: str, *, parent: "SimCall | None" = None,
                 inputs: list[Input] | None = None, hangup_after: float | None = None,
                 talk_seconds: float | None = None, audio: str | None = None, role: str = "caller") -> None:
        self.sim = sim
        self.sid, self.direction, self.from_, self.to = sid, direction, from_, to
        self.parent = parent
        self.role = role
        self.status = "queued"
        self.inputs: deque[Input] = deque(inputs or [])
        self.hangup_after = hangup_after
        self.talk_seconds = talk_seconds
        self.audio = audio
        self.said: list[str] = []
        self.played: list[str] = []
        self.digits_sent: list[str] = []
        self.speech_sent: list[str] = []
        self.spoken: list[str] = []  # lines said in the desk's softphone (sandbox/simulator/softphones.py)
        self.urls: list[str] = []
        self.errors: list[str] = []
        self.timeline: list[TimelineEntry] = []
        self.recordings: list[Any] = []
        self.queue: str | None = None
        self.bridged_with: "SimCall | None" = None
        self.bridge = None
        self.conference = None  # the conference Participant while in one
        self.desk_actions_started = False  # an agent's scripted desk actions, once
        self.softphone_ringing = False  # ringing until the agent's softphone answers it (behaviour "softphone")
        self.heard: "SimCall | None" = None  # the last party this leg talked with (bridge or conference)
        self.leg_recordings: list[dict[str, Any]] = []  # recordings started over REST, until the leg ends
        self.answered_by: str | None = None
        self.rejected: str | None = None
        self.started_at = sim.engine.now
        self.answered_at: float | None = None
        self.ended_at: float | None = None
        self.process: "Process | None" = None
        self.hangup_timer: "Timer | None" = None
        self.rest: dict[str, Any] | None = None  # the sandbox's record of a REST-created call
        self.status_callback: str | None = None
        self.status_method = "POST"
        self.status_events: tuple[str, ...] = ("completed",)
        self.sequence = 0
        self.machine_detection: str | None = None

    @property
    def label(self) -> str:
        return f"{self.sid[:6]} {self.role}"

    @property
    def party(self) -> str:
        """Who this leg is, masked: the caller's number, or the agent address / customer number rung."""
        return mask_phone(self.to if self.role in ("agent", "customer") else self.from_)

    @property
    def alive(self) -> bool:
        return self.status not in FINAL

    @property
    def duration(self) -> int:
        """Whole seconds from answer to end, rounded up like Twilio bills them."""
        if self.answered_at is None:
            return 0
        end = self.ended_at if self.ended_at is not None else self.sim.engine.now
        return int(math.ceil(end - self.answered_at - 1e-9))

    def next_input(self) -> Input:
        return self.inputs.popleft() if self.inputs else Silence()

    def log(self, text: str) -> None:
        entry = TimelineEntry(self.sim.engine.now, self, text)
        self.timeline.append(entry)
        self.sim.timeline.append(entry)
        self.sim.echo(entry)

    def set_status(self, status: str) -> None:
        self.status = status
        if self.rest is not None:
            self.rest["status"] = status
            if status == "in-progress" and not self.rest.get("start_time"):
                self.rest["start_time"] = self.sim.wall_time()
            if status in FINAL:
                self.rest["duration"] = str(self.duration)
                self.rest["end_time"] = self.sim.wall_time()

    def timeline_text(self) -> str:
        return "\n".join(str(entry) for entry in self.timeline)

    def __repr__(self) -> str:
        return f"<SimCall {self.sid} {self.direction} {self.status}>"
