"""Sandbox telephony: a Twilio-compatible REST server and a call simulator (docs/sandbox.md).

    from sandbox import Simulator, press, say, silence, hangup, record
"""
from __future__ import annotations

from sandbox.simulator import Simulator
from sandbox.simulator.script_file import ScriptError, load_script
from sandbox.twiml.scripts import (AgentScript, CallScript, CustomerScript, Script, hangup, press, record, say,
                                   silence)

__all__ = ["Simulator", "AgentScript", "CallScript", "CustomerScript", "Script", "ScriptError", "hangup",
           "load_script", "press", "record", "say", "silence"]
