"""<Record>: what the caller says into it becomes a sandbox recording; the action gets its URL."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from sandbox.engine import Sleep
from sandbox.engine.interrupts import CallerHangup
from sandbox.twiml.document import Next, flag, number, resolve
from sandbox.twiml.scripts import HangUp, Speech


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
        raise CallerHangup(call)
    return Next(action, method, params)
