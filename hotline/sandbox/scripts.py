"""What the people on a simulated call do: caller inputs, agents answering, customers picking up.

A caller's `inputs` are consumed in order, one per `<Gather>` or `<Record>` the caller meets; when
they run out the caller stays silent. Scripts load from YAML (`load_script`) with errors naming the
file and field.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Press:
    digits: str
    after: float = 1.0


@dataclass(frozen=True)
class Speak:
    text: str
    confidence: float = 0.92
    after: float = 1.0


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


def press(digits: str, after: float = 1.0) -> Press:
    return Press(str(digits), after)


def say(text: str, confidence: float = 0.92, after: float = 1.0) -> Speak:
    return Speak(text, confidence, after)


def silence() -> Silence:
    return Silence()


def hangup(after: float = 0.0) -> HangUp:
    return HangUp(after)


def record(seconds: float, audio: str | None = None, digits: str = "") -> Speech:
    return Speech(seconds, audio, digits)


BEHAVIOURS = ("answer", "no-answer", "busy", "failed")


@dataclass
class AgentScript:
    """How a dialed address (client:alice, sip:..., +86...) behaves when it rings."""

    behaviour: str = "answer"
    answer_after_rings: int = 1
    answer_after: float | None = None  # seconds; overrides rings
    talk_seconds: float | None = 30.0
    audio: str | None = None
    inputs: list[Input] = field(default_factory=list)

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


@dataclass
class CallScript:
    """One inbound call: who calls, when, what they do."""

    from_: str = "+8613800138000"
    to: str = "+861095555"
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


class ScriptError(ValueError):
    pass


def parse_input(item: Any, where: str) -> Input:
    if isinstance(item, (str, int)) and str(item).strip():
        return Press(str(item))
    if not isinstance(item, dict):
        raise ScriptError(f"{where}: expected press/say/silence/hangup/record, got {item!r}")
    after = float(item.get("after", 1.0))
    if "press" in item:
        return Press(str(item["press"]), after)
    if "say" in item:
        return Speak(str(item["say"]), float(item.get("confidence", 0.92)), after)
    if item.get("silence") or item.get("silent"):
        return Silence()
    if "hangup" in item:
        return HangUp(float(item.get("after", 0.0)))
    if "record" in item:
        return Speech(float(item["record"]), item.get("audio"), str(item.get("digits", "")))
    raise ScriptError(f"{where}: expected one of press, say, silence, hangup, record; got keys {sorted(item)}")


def _fields(data: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ScriptError(f"{where}: expected a mapping, got {type(data).__name__}")
    unknown = set(data) - allowed
    if unknown:
        raise ScriptError(f"{where}: unknown field {sorted(unknown)[0]!r} (known: {', '.join(sorted(allowed))})")
    return data


def agent_from(data: Any, where: str) -> AgentScript:
    data = _fields(data or {}, where, {"behaviour", "behavior", "answer_after_rings", "answer_after", "talk_seconds",
                                       "audio", "inputs"})
    behaviour = data.get("behaviour", data.get("behavior", "answer"))
    if behaviour not in BEHAVIOURS:
        raise ScriptError(f"{where}.behaviour: must be one of {', '.join(BEHAVIOURS)}, got {behaviour!r}")
    return AgentScript(behaviour=behaviour, answer_after_rings=int(data.get("answer_after_rings", 1)),
                       answer_after=data.get("answer_after"), talk_seconds=data.get("talk_seconds", 30.0),
                       audio=data.get("audio"),
                       inputs=[parse_input(i, f"{where}.inputs[{n}]") for n, i in enumerate(data.get("inputs", []))])


def customer_from(data: Any, where: str) -> CustomerScript:
    data = _fields(data or {}, where, {"answer", "answer_after_rings", "inputs", "hangup_after", "audio", "sms"})
    if data.get("sms", "delivered") not in ("delivered", "undelivered", "failed"):
        raise ScriptError(f"{where}.sms: must be delivered, undelivered or failed, got {data['sms']!r}")
    answer = data.get("answer", "human")
    if answer not in ANSWERS:
        raise ScriptError(f"{where}.answer: must be one of {', '.join(ANSWERS)}, got {answer!r}")
    return CustomerScript(answer=answer, answer_after_rings=int(data.get("answer_after_rings", 1)),
                          hangup_after=data.get("hangup_after"), audio=data.get("audio"),
                          sms=data.get("sms", "delivered"),
                          inputs=[parse_input(i, f"{where}.inputs[{n}]") for n, i in enumerate(data.get("inputs", []))])


def call_from(data: Any, where: str) -> CallScript:
    data = _fields(data, where, {"from", "to", "at", "inputs", "hangup_after", "url", "audio"})
    return CallScript(from_=str(data.get("from", "+8613800138000")), to=str(data.get("to", "+861095555")),
                      at=float(data.get("at", 0)), hangup_after=data.get("hangup_after"),
                      url=data.get("url", "/voice/incoming"), audio=data.get("audio"),
                      inputs=[parse_input(i, f"{where}.inputs[{n}]") for n, i in enumerate(data.get("inputs", []))])


def load_script(path: str | Path) -> Script:
    """Read a simulation script; audio paths are relative to the script's folder."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ScriptError(f"{path}{line}: not valid YAML") from None
    try:
        data = _fields(data, str(path), {"calls", "agents", "customers", "ring_seconds"})
        script = Script(
            calls=[call_from(c, f"{path}: calls[{n}]") for n, c in enumerate(data.get("calls") or [])],
            agents={str(k): agent_from(v, f"{path}: agents.{k}") for k, v in (data.get("agents") or {}).items()},
            customers={str(k): customer_from(v, f"{path}: customers.{k}")
                       for k, v in (data.get("customers") or {}).items()},
            ring_seconds=data.get("ring_seconds"),
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ScriptError):
            raise
        raise ScriptError(f"{path}: {exc}") from None
    for item in [*script.calls, *script.agents.values(), *script.customers.values()]:
        if item.audio and not Path(item.audio).is_absolute():
            item.audio = str(path.parent / item.audio)
    return script
