"""Simulation scripts in YAML, validated on load: errors name the file, line or field."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sandbox.twiml.scripts import (ANSWERS, BEHAVIOURS, DESK_ACTIONS, AgentScript, CallScript, CustomerScript,
                                     DeskAction, HangUp, Input, Press, Script, Silence, Speak, Speech)


class ScriptError(ValueError):
    pass


def parse_input(item: Any, where: str) -> Input:
    if isinstance(item, (str, int)) and str(item).strip():
        return Press(str(item))
    if not isinstance(item, dict):
        raise ScriptError(f"{where}: expected press/say/silence/hangup/record, got {item!r}")
    unknown = set(item) - {"press", "say", "silence", "silent", "hangup", "record", "after", "during", "confidence",
                           "audio", "digits"}
    if unknown:
        raise ScriptError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    after = float(item.get("after", 1.0))
    during = bool(item.get("during", False))
    if "press" in item:
        return Press(str(item["press"]), after, during)
    if "say" in item:
        return Speak(str(item["say"]), float(item.get("confidence", 0.92)), after, during)
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


def action_from(data: Any, where: str) -> DeskAction:
    """`{do: transfer, after: 20, queue: complaint}`: the rest of the fields are the request's body."""
    data = _fields(data, where, {"do", "after", "seconds", "queue", "agent_id", "number", "department", "mode",
                                 "note", "address"})
    if data.get("do") not in DESK_ACTIONS:
        raise ScriptError(f"{where}.do: must be one of {', '.join(DESK_ACTIONS)}, got {data.get('do')!r}")
    body = {k: v for k, v in data.items() if k not in ("do", "after", "seconds")}
    return DeskAction(do=data["do"], after=float(data.get("after", 0)), body=body,
                      seconds=float(data["seconds"]) if data.get("seconds") is not None else None)


def agent_from(data: Any, where: str) -> AgentScript:
    data = _fields(data or {}, where, {"behaviour", "behavior", "answer_after_rings", "answer_after", "talk_seconds",
                                       "audio", "inputs", "actions"})
    behaviour = data.get("behaviour", data.get("behavior", "answer"))
    if behaviour not in BEHAVIOURS:
        raise ScriptError(f"{where}.behaviour: must be one of {', '.join(BEHAVIOURS)}, got {behaviour!r}")
    return AgentScript(behaviour=behaviour, answer_after_rings=int(data.get("answer_after_rings", 1)),
                       answer_after=data.get("answer_after"), talk_seconds=data.get("talk_seconds", 30.0),
                       audio=data.get("audio"),
                       inputs=[parse_input(i, f"{where}.inputs[{n}]") for n, i in enumerate(data.get("inputs", []))],
                       actions=[action_from(a, f"{where}.actions[{n}]") for n, a in enumerate(data.get("actions", []))])


def customer_from(data: Any, where: str) -> CustomerScript:
    data = _fields(data or {}, where, {"answer", "answer_after_rings", "inputs", "hangup_after", "audio", "sms",
                                       "sms_replies", "reply_after"})
    if data.get("sms", "delivered") not in ("delivered", "undelivered", "failed"):
        raise ScriptError(f"{where}.sms: must be delivered, undelivered or failed, got {data['sms']!r}")
    answer = data.get("answer", "human")
    if answer not in ANSWERS:
        raise ScriptError(f"{where}.answer: must be one of {', '.join(ANSWERS)}, got {answer!r}")
    return CustomerScript(answer=answer, answer_after_rings=int(data.get("answer_after_rings", 1)),
                          hangup_after=data.get("hangup_after"), audio=data.get("audio"),
                          sms=data.get("sms", "delivered"),
                          sms_replies=[str(text) for text in data.get("sms_replies") or []],
                          reply_after=float(data.get("reply_after", 30.0)),
                          inputs=[parse_input(i, f"{where}.inputs[{n}]") for n, i in enumerate(data.get("inputs", []))])


def call_from(data: Any, where: str) -> CallScript:
    data = _fields(data, where, {"from", "to", "at", "inputs", "hangup_after", "url", "audio"})
    return CallScript(from_=str(data.get("from", "+8613800138000")), to=str(data["to"]) if data.get("to") else None,
                      at=float(data.get("at", 0)), hangup_after=data.get("hangup_after"),
                      url=data.get("url", "/voice/incoming"), audio=data.get("audio"),
                      inputs=[parse_input(i, f"{where}.inputs[{n}]") for n, i in enumerate(data.get("inputs", []))])


def load_script(path: str | Path) -> Script:
    """Read a simulation script file; audio paths are relative to the script's folder."""
    path = Path(path)
    return parse_script(path.read_text(encoding="utf-8"), str(path), path.parent)


def parse_script(text: str, source: str = "script", base_dir: str | Path = ".") -> Script:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ScriptError(f"{source}{line}: not valid YAML") from None
    try:
        data = _fields(data, source, {"calls", "agents", "customers", "ring_seconds"})
        script = Script(
            calls=[call_from(c, f"{source}: calls[{n}]") for n, c in enumerate(data.get("calls") or [])],
            agents={str(k): agent_from(v, f"{source}: agents.{k}") for k, v in (data.get("agents") or {}).items()},
            customers={str(k): customer_from(v, f"{source}: customers.{k}")
                       for k, v in (data.get("customers") or {}).items()},
            ring_seconds=data.get("ring_seconds"),
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ScriptError):
            raise
        raise ScriptError(f"{source}: {exc}") from None
    for item in [*script.calls, *script.agents.values(), *script.customers.values()]:
        if item.audio and not Path(item.audio).is_absolute():
            item.audio = str(Path(base_dir) / item.audio)
    return script
