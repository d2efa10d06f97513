"""Following a TwiML document verb by verb, as Twilio does (TWILIO_NOTES.md).

`run_verbs` is a generator for the engine: it yields Sleep/Wait while prompts play or the caller
thinks, and returns where the call goes next: a `Next` (action or redirect), `HANGUP`, `LEAVE`
(from a queue's wait TwiML) or None when the document runs out.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from hotline.sandbox.engine import Sleep
from hotline.sandbox.interrupts import CallerHangup
from hotline.sandbox.scripts import HangUp, Press, Silence, Speak, Speech
from hotline.sandbox.twiml_doc import HANGUP, LEAVE, Next, flag, loops, number, resolve, speech_seconds

# Which verbs Twilio allows where (others are skipped with a warning in the timeline).
ALLOWED = {
    "wait": {"Play", "Say", "Pause", "Gather", "Redirect", "Hangup", "Leave"},
    "whisper": {"Play", "Say", "Pause", "Redirect", "Gather", "Hangup"},
}
DIGIT_SECONDS = 0.3  # between two key presses


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
        from hotline.sandbox.queues import enqueue

        return (yield from enqueue(sim, call, verb, base))
    if tag == "Dial":
        from hotline.sandbox.dialing import dial

        return (yield from dial(sim, call, verb, base))
    if tag == "Sms":
        call.log(f"<Sms> to {attrs.get('to', call.from_)}: {(verb.text or '').strip()}")
        return None
    call.log(f"<{tag}> is not simulated; Twilio would run it, the simulator skips it")
    return None


def prompt(call, verb: ET.Element, play_seconds: float):
    """Say, Play or Pause: time passes while the caller listens."""
    attrs = verb.attrib
    if verb.tag == "Pause":
        length = number(attrs.get("length"), 1)
        call.log(f"<Pause> {length:g} s")
        yield Sleep(length)
        return
    count = loops(attrs.get("loop"))
    if verb.tag == "Say":
        text = (verb.text or "").strip()
        language = attrs.get("language", "en-US")
        call.log(f"Say ({language}{', ' + attrs['voice'] if 'voice' in attrs else ''}): {text}")
        call.said.append(text)
        seconds = speech_seconds(text)
    else:
        url = (verb.text or "").strip()
        if attrs.get("digits"):
            call.log(f"<Play digits={attrs['digits']}>: sends the tones")
            call.digits_sent.append(attrs["digits"])
            yield Sleep(DIGIT_SECONDS * len(attrs["digits"]))
            return
        call.log(f"Play {url}" + (f" x{count}" if count > 1 else ""))
        call.played.append(url)
        seconds = play_seconds
    for _ in range(count):
        yield Sleep(seconds)


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
    for child in verb:
        if child.tag in ("Say", "Play", "Pause"):
            yield from prompt(call, child, sim.play_seconds)
    item = call.next_input()
    what = ", ".join(sorted(inputs))
    if isinstance(item, HangUp):
        yield Sleep(item.after)
        call.log("the caller hangs up instead of answering")
        raise CallerHangup()
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


def record(sim, call, verb: ET.Element, base: str):
    attrs = verb.attrib
    action = resolve(base, attrs.get("action"))
    method = attrs.get("method", "POST").upper()
    timeout = number(attrs.get("timeout"), 5)
    max_length = number(attrs.get("maxLength"), 3600)
    finish = attrs.get("finishOnKey", "1234567890*#")
    if flag(attrs.get("playBeep"), True):
        call.log("<Record>: beep")
    item = call.next_input()
    if isinstance(item, HangUp):
        item = Speech(seconds=max(item.after, 0.0))
        hung_up = True
    else:
        hung_up = False
    if not isinstance(item, Speech) or item.seconds <= 0:
        yield Sleep(timeout)
        call.log(f"<Record>: silence for {timeout:g} s; nothing recorded, Twilio continues with the next verb")
        return None
    seconds = min(item.seconds, max_length)
    digits = next((key for key in item.digits if key in finish), "")
    yield Sleep(seconds + (0 if digits or hung_up or seconds >= max_length else timeout))
    recording = sim.recordings.make(call, [(call.audio if item.audio is None else item.audio, 440.0)],
                                    seconds, source="RecordVerb")
    call.log(f"<Record>: {seconds:g} s recorded as {recording.sid}")
    sim.recordings.notify(call, recording, attrs, base)
    params = {"RecordingUrl": sim.recordings.url(recording), "RecordingSid": recording.sid,
              "RecordingDuration": str(recording.duration), "Digits": "hangup" if hung_up else digits}
    if hung_up:
        sim.request(call, "action", action, method, params)
        raise CallerHangup()
    return Next(action, method, params)
