"""What the people on a simulated call do: caller inputs, agents answering, customers picking up.

A caller's `inputs` are consumed in order, one per `<Gather>` or `<Record>` the caller meets; when
they run out the caller stays silent. Scripts also load from YAML (script_file.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Press:
    digits: str
    after: float = 1.0
    during: bool = False  # `after` counts from the start of the Gather's prompts (barge-in)


@dataclass(frozen=True)
class Speak:
    text: str
    confidence: float = 0.92
    after: float = 1.0
    during: bool = False


@dataclass(frozen=True)
class Silence:
    pass


@dataclass(frozen=True)
class HangUp:
    after: float = 0.0


@dataclass(frozen=True)
class Speech:
    """What the caller says into a <Record>: `seconds` of audio (a file or a tone), then `digits`."""

    seconds: float
    audio: str | None = None
    digits: str = ""


Input = Press | Speak | Silence | HangUp | Speech


def press(digits: str, after: float = 1.0, during: bool = False) -> Press:
    """Keys pressed `after` seconds after the prompts end, or with `during=True` after they start."""
    return Press(str(digits), after, during)


def say(text: str, confidence: float = 0.92, after: float = 1.0, during: bool = False) -> Speak:
    return Speak(text, confidence, after, during)


def silence() -> Silence:
    return Silence()


def hangup(after: float = 0.0) -> HangUp:
    return HangUp(after)


def record(seconds: float, audio: str | None = None, digits: str = "") -> Speech:
    return Speech(seconds, audio, digits)


# "softphone": rings until the agent answers or declines in the desk's softphone (sandbox mode, see
# sandbox/simulator/softphones.py), or the ring times out.
BEHAVIOURS = ("answer", "no-answer", "busy", "failed", "softphone")
# What an agent (or the supervisor watching them) does on the desk during a conversation in a
# conference: each is the app's call-control API, sent `after` seconds from the agent joining.
DESK_ACTIONS = {"hold": ("POST", "hold"), "resume": ("POST", "resume"), "mute": ("POST", "mute"),
                "unmute": ("POST", "unmute"), "transfer": ("POST", "transfer"),
                "complete": ("POST", "transfer/complete"), "cancel": ("POST", "transfer/cancel"),
                "three-way": ("POST", "transfer/conference"), "monitor": ("POST", "monitor"),
                "stop-monitor": ("DELETE", "monitor")}


@dataclass
class DeskAction:
    """`do` one of DESK_ACTIONS `after` seconds into the agent's conversation, with a JSON `body`
    (transfer: queue / agent_id / number, mode, note; monitor: mode, address). `hold` with
    `seconds` resumes that much later."""

    do: str
    after: float = 0.0
    body: dict = field(default_factory=dict)
    seconds: float | None = None


@dataclass
class AgentScript:
    """How a dialed address (client:alice, sip:..., +86...) behaves when it rings."""

    behaviour: str = "answer"
    answer_after_rings: int = 1
    answer_after: float | None = None  # seconds; overrides rings
    talk_seconds: float | None = 30.0
    audio: str | None = None
    inputs: list[Input] = field(default_factory=list)
    actions: list[DeskAction] = field(default_factory=list)

    def answer_delay(self, ring_seconds: float) -> float:
        return self.answer_after if self.answer_after is not None else self.answer_after_rings * ring_seconds


ANSWERS = ("human", "machine", "no-answer", "busy", "failed")


@dataclass
class CustomerScript:
    """How a number the app calls out to (a revisit) answers."""

    answer: str = "human"
    answer_after_rings: int = 1
    inputs: list[Input] = field(default_factory=list)
    hangup_after: float | None = None
    audio: str | None = None
    sms: str = "delivered"  # what becomes of messages sent to this number: delivered, undelivered, failed
    sms_replies: list[str] = field(default_factory=list)  # texts sent back, one per delivered message
    reply_after: float = 30.0  # seconds after delivery


@dataclass
class CallScript:
    """One inbound call: who calls, when, what they do."""

    from_: str = "+8613800138000"
    to: str | None = None  # the app's own number
    at: float = 0.0
    inputs: list[Input] = field(default_factory=list)
    hangup_after: float | None = None
    url: str = "/voice/incoming"
    audio: str | None = None


@dataclass
class Script:
    calls: list[CallScript] = field(default_factory=list)
    agents: dict[str, AgentScript] = field(default_factory=dict)
    customers: dict[str, CustomerScript] = field(default_factory=dict)
    ring_seconds: float | None = None

