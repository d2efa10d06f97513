"""Following a TwiML document verb by verb, as Twilio does (TWILIO_NOTES.md).

`run_verbs` is a generator for the engine: it yields Sleep/Wait while prompts play or the caller
thinks, and returns where the call goes next: a `Next` (action or redirect), `HANGUP`, `LEAVE`
(from a queue's wait TwiML) or None when the document runs out. `<Dial>` and `<Enqueue>` run TwiML
of their own (whisper, wait, dequeue) and are handed `run_verbs` for it, so they sit below this module.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from sandbox.twiml.dialing import dial
from sandbox.twiml.document import HANGUP, LEAVE, Next, resolve
from sandbox.twiml.gather import gather
from sandbox.twiml.prompts import prompt
from sandbox.twiml.queues import enqueue
from sandbox.twiml.recorder import record

# Which verbs Twilio allows where (others are skipped with a warning in the timeline).
ALLOWED = {
    "wait": {"Play", "Say", "Pause", "Gather", "Redirect", "Hangup", "Leave"},
    "whisper": {"Play", "Say", "Pause", "Redirect", "Gather", "Hangup"},
}


def run_verbs(sim, call, verbs: list[ET.Element], base: str, context: str = "call"):
    for verb in verbs:
        if context in ALLOWED and verb.tag not in ALLOWED[context]:
            call.log(f"<{verb.tag}> is not allowed here ({context} TwiML); Twilio skips it")
            continue
        result = yield from run_verb(sim, call, verb, base, context)
        if result is not None:
            return result
    return None


def run_verb(sim, call, verb: ET.Element, base: str, context: str):
    tag, attrs = verb.tag, verb.attrib
    if tag in ("Say", "Play", "Pause"):
        yield from prompt(call, verb, sim.play_seconds)
        return None
    if tag == "Gather":
        return (yield from gather(sim, call, verb, base))
    if tag == "Redirect":
        return Next(resolve(base, (verb.text or "").strip()), attrs.get("method", "POST").upper())
    if tag == "Hangup":
        call.log("<Hangup>: Twilio hangs up")
        return HANGUP
    if tag == "Reject":
        call.log(f"<Reject reason={attrs.get('reason', 'rejected')}>: Twilio refuses the call")
        call.rejected = "busy" if attrs.get("reason") == "busy" else "no-answer"
        return HANGUP
    if tag == "Leave":
        if context != "wait":
            call.log("<Leave> outside a queue: Twilio ignores it")
            return None
        call.log("<Leave>: the caller leaves the queue")
        return LEAVE
    if tag == "Record":
        return (yield from record(sim, call, verb, base))
    if tag == "Enqueue":
        return (yield from enqueue(sim, call, verb, base, run_verbs))
    if tag == "Dial":
        return (yield from dial(sim, call, verb, base, run_verbs))
    if tag == "Sms":
        call.log(f"<Sms> to {attrs.get('to', call.from_)}: {(verb.text or '').strip()}")
        return None
    call.log(f"<{tag}> is not simulated; Twilio would run it, the simulator skips it")
    return None
