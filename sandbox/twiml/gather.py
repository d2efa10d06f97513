"""<Gather>: digits or speech from the caller's script, with Twilio's timeout, numDigits and finishOnKey.

On silence Twilio does not call the action (unless actionOnEmptyResult) and goes on with the next
verb; input the Gather does not listen for is silence too.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from sandbox.engine import Sleep
from sandbox.engine.interrupts import CallerHangup
from sandbox.twiml.document import Next, flag, number, resolve, speech_seconds
from sandbox.twiml.prompts import DIGIT_SECONDS, prompt, prompts_until_barge_in
from sandbox.twiml.scripts import HangUp, Press, Silence, Speak


def cut_digits(pressed: str, num_digits: int | None, finish_on_key: str) -> tuple[str, str, bool]:
    """The Digits Twilio submits: stop at finishOnKey (not included) or after numDigits.

    Returns (digits, key that finished it, whether Twilio submitted at once instead of timing out).
    """
    digits = ""
    for key in pressed:
        if finish_on_key and key in finish_on_key:
            return digits, key, True
        digits += key
        if num_digits and len(digits) >= num_digits:
            return digits, "", True
    return digits, "", False


def gather(sim, call, verb: ET.Element, base: str):
    attrs = verb.attrib
    inputs = set((attrs.get("input") or "dtmf").split())
    timeout = number(attrs.get("timeout"), 5)
    num_digits = int(number(attrs.get("numDigits"), 0)) or None
    finish = attrs.get("finishOnKey", "#")
    action = resolve(base, attrs.get("action"))
    method = attrs.get("method", "POST").upper()
    prompts = [child for child in verb if child.tag in ("Say", "Play", "Pause")]
    item = call.next_input()
    listens = ("dtmf" in inputs and isinstance(item, Press)) or ("speech" in inputs and isinstance(item, Speak))
    if listens and item.during:
        yield from prompts_until_barge_in(call, prompts, item.after, sim.play_seconds)
        item = type(item)(**{**item.__dict__, "after": 0.0, "during": False})
    else:
        for child in prompts:
            yield from prompt(call, child, sim.play_seconds)
    what = ", ".join(sorted(inputs))
    if isinstance(item, HangUp):
        yield Sleep(item.after)
        call.log("the caller hangs up instead of answering")
        raise CallerHangup(call)
    if isinstance(item, Press) and "dtmf" in inputs and item.after <= timeout:
        digits, key, at_once = cut_digits(item.digits, num_digits, finish)
        yield Sleep(item.after + DIGIT_SECONDS * max(0, len(item.digits) - 1) + (0 if at_once else timeout))
        call.digits_sent.append(item.digits)
        if digits or flag(attrs.get("actionOnEmptyResult")):
            call.log(f"presses {item.digits}; Gather sends Digits={digits!r} to {sim.short(action)}")
            return Next(action, method, {"Digits": digits, **({"FinishedOnKey": key} if key else {})})
        call.log(f"presses {item.digits}: no digits before finishOnKey; Twilio continues with the next verb")
        return None
    if isinstance(item, Speak) and "speech" in inputs and item.after <= timeout:
        yield Sleep(item.after + speech_seconds(item.text) + number(attrs.get("speechTimeout"), 1))
        call.speech_sent.append(item.text)
        call.log(f"says {item.text!r}; Gather sends SpeechResult to {sim.short(action)}")
        return Next(action, method, {"SpeechResult": item.text, "Confidence": f"{item.confidence:.2f}",
                                     "Language": attrs.get("language", "en-US")})
    if not isinstance(item, Silence):
        call.log(f"{type(item).__name__.lower()} does not reach a Gather listening for {what}")
    yield Sleep(timeout)
    if flag(attrs.get("actionOnEmptyResult")):
        call.log(f"no input in {timeout:g} s; actionOnEmptyResult: Twilio requests {sim.short(action)}")
        return Next(action, method, {"Digits": ""} if "dtmf" in inputs else {"SpeechResult": ""})
    call.log(f"no input in {timeout:g} s; Twilio continues with the next verb")
    return None
