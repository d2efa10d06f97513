"""What a caller hears: <Say>, <Play>, <Pause>, and how long each takes (docs/sandbox.md, timing)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from sandbox.engine import Sleep
from sandbox.twiml.document import loops, number, speech_seconds

DIGIT_SECONDS = 0.3  # between two key presses


def prompt_seconds(verb: ET.Element, play_seconds: float) -> float:
    if verb.tag == "Pause":
        return number(verb.attrib.get("length"), 1)
    if verb.tag == "Play" and verb.attrib.get("digits"):
        return DIGIT_SECONDS * len(verb.attrib["digits"])
    each = speech_seconds((verb.text or "").strip()) if verb.tag == "Say" else play_seconds
    return each * loops(verb.attrib.get("loop"))


def prompts_until_barge_in(call, prompts: list[ET.Element], at: float, play_seconds: float):
    """Play the Gather's prompts until the caller's input `at` seconds in cuts the current one off."""
    elapsed = 0.0
    for child in prompts:
        seconds = prompt_seconds(child, play_seconds)
        if elapsed + seconds <= at:
            yield from prompt(call, child, play_seconds)
            elapsed += seconds
            continue
        if child.tag == "Say":
            call.said.append((child.text or "").strip())
        call.log(f"{child.tag} interrupted after {at - elapsed:g} s: {(child.text or '').strip()}")
        yield Sleep(at - elapsed)
        return


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
