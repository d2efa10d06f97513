"""Reading TwiML the way Twilio does: parse, resolve relative URLs, estimate how long speech lasts."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urljoin

VOICE_VERBS = {"Say", "Play", "Pause", "Gather", "Redirect", "Hangup", "Enqueue", "Leave", "Dial", "Record",
               "Reject", "Sms", "Connect", "Refer", "Stream", "Start", "Stop", "Pay", "Prompt", "Siprec"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9']+")


class TwiMLError(ValueError):
    """The document is not TwiML Twilio would run (Twilio's error 12100)."""


@dataclass
class Next:
    """Where the call goes next: fetch `url` with `params` (an action, a redirect)."""

    url: str
    method: str = "POST"
    params: dict[str, str] = field(default_factory=dict)
    twiml: str | None = None


HANGUP = "hangup"
LEAVE = "leave"


def parse(body: str) -> list[ET.Element]:
    try:
        root = ET.fromstring(body.strip().encode("utf-8"))
    except ET.ParseError as exc:
        raise TwiMLError(f"document does not parse: {exc}") from None
    if root.tag != "Response":
        raise TwiMLError(f"root element is <{root.tag}>, not <Response>")
    for verb in root:
        if verb.tag not in VOICE_VERBS:
            raise TwiMLError(f"<{verb.tag}> is not a TwiML voice verb")
    return list(root)


def resolve(base: str, url: str | None) -> str:
    """Relative URLs in TwiML are relative to the URL of the request that returned the document."""
    return urljoin(base, (url or "").strip()) if url else base


def flag(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() == "true"


def number(value: str | None, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


def speech_seconds(text: str) -> float:
    """How long a TTS voice takes to say `text`: about 4 Chinese characters or 2.5 English words a second."""
    chars = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    return round(max(0.5, chars / 4.0 + words / 2.5), 1)


def loops(value: str | None) -> int:
    """`loop="0"` repeats until the call moves on; the simulator counts that as 1000 plays."""
    count = int(number(value, 1))
    return 1000 if count <= 0 else count
