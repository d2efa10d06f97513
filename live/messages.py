"""Twilio Media Streams messages, read and checked. Pure (no sockets).

Every frame is a JSON text message with an `event`: `connected` (protocol, version), `start`
(streamSid, accountSid, callSid, tracks, customParameters, mediaFormat), `media` (track, chunk,
timestamp, base64 μ-law payload), `mark`, `stop`; each carries a `sequenceNumber` (a string).
Anything else, or a field of the wrong kind, is `BadMessage` with a reason the service logs when it
closes the stream.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from hotline.sids import is_call_sid

MAX_FRAME_BYTES = 64 * 1024      # a 20 ms frame is about 300 bytes of JSON; far more is not Twilio
MAX_PAYLOAD_BYTES = 8000         # one second of μ-law: Twilio sends 20 ms (160 bytes)
TRACKS = {"inbound": "caller", "outbound": "agent"}  # inbound: the caller; outbound: what they hear
MEDIA_FORMAT = {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}


class BadMessage(ValueError):
    """A frame that is not Twilio's: the stream is closed with this reason."""


@dataclass(frozen=True)
class Connected:
    sequence: int | None
    protocol: str


@dataclass(frozen=True)
class Start:
    sequence: int
    stream_sid: str
    call_sid: str
    tracks: tuple[str, ...]
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Media:
    sequence: int
    track: str
    chunk: int
    timestamp: int
    payload: bytes


@dataclass(frozen=True)
class Mark:
    sequence: int
    name: str


@dataclass(frozen=True)
class Stop:
    sequence: int
    call_sid: str


Message = Connected | Start | Media | Mark | Stop


def parse(frame: str | bytes) -> Message:
    """One frame as a message, or BadMessage saying what is wrong with it."""
    if isinstance(frame, bytes):
        raise BadMessage("binary frame: Twilio sends JSON text frames")
    if len(frame) > MAX_FRAME_BYTES:
        raise BadMessage(f"frame of {len(frame)} characters (at most {MAX_FRAME_BYTES})")
    try:
        data = json.loads(frame)
    except ValueError:
        raise BadMessage("frame is not JSON") from None
    if not isinstance(data, dict):
        raise BadMessage("frame is not a JSON object")
    event = data.get("event")
    if event == "connected":
        return Connected(_sequence(data, required=False), str(data.get("protocol", "")))
    if event == "start":
        return _start(data)
    if event == "media":
        return _media(data)
    if event == "mark":
        mark = _object(data, "mark")
        return Mark(_sequence(data), str(mark.get("name", "")))
    if event == "stop":
        stop = _object(data, "stop")
        return Stop(_sequence(data), str(stop.get("callSid", "")))
    raise BadMessage(f"unknown event {str(event)[:40]!r}")


def _start(data: dict) -> Start:
    start = _object(data, "start")
    call_sid = start.get("callSid")
    if not isinstance(call_sid, str) or not is_call_sid(call_sid):
        raise BadMessage("start.callSid is not a CallSid")
    stream_sid = start.get("streamSid") or data.get("streamSid")
    if not isinstance(stream_sid, str) or not stream_sid.startswith("MZ"):
        raise BadMessage("start.streamSid is not a StreamSid")
    tracks = start.get("tracks")
    if not isinstance(tracks, list) or not tracks or any(t not in TRACKS for t in tracks):
        raise BadMessage("start.tracks must name inbound and/or outbound")
    media_format = start.get("mediaFormat")
    if not isinstance(media_format, dict) or any(media_format.get(k) != v for k, v in MEDIA_FORMAT.items()):
        raise BadMessage(f"start.mediaFormat is not {MEDIA_FORMAT}")
    parameters = start.get("customParameters") or {}
    if not isinstance(parameters, dict):
        raise BadMessage("start.customParameters is not an object")
    return Start(_sequence(data), stream_sid, call_sid, tuple(tracks),
                 {str(k): str(v) for k, v in parameters.items()})


def _media(data: dict) -> Media:
    media = _object(data, "media")
    track = media.get("track")
    if track not in TRACKS:
        raise BadMessage(f"media.track {str(track)[:20]!r} is neither inbound nor outbound")
    chunk, timestamp = _number(media, "chunk", 1), _number(media, "timestamp", 0)
    payload = media.get("payload")
    if not isinstance(payload, str) or not payload:
        raise BadMessage("media.payload is missing")
    if len(payload) > MAX_PAYLOAD_BYTES * 4 // 3 + 4:
        raise BadMessage(f"media.payload of {len(payload)} characters (at most {MAX_PAYLOAD_BYTES} bytes)")
    try:
        audio = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise BadMessage("media.payload is not base64") from None
    return Media(_sequence(data), track, chunk, timestamp, audio)


def _object(data: dict, key: str) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise BadMessage(f"{data.get('event')} without its {key!r} object")
    return value


def _number(data: dict, key: str, low: int) -> int:
    """Twilio sends these as decimal strings ("1", "20"); an int is taken too."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).isdigit() \
            or len(str(value)) > 12 or int(value) < low:
        raise BadMessage(f"{key} {str(value)[:20]!r} is not a number of at least {low}")
    return int(value)


def _sequence(data: dict, required: bool = True) -> int | None:
    if "sequenceNumber" not in data and not required:
        return None
    return _number(data, "sequenceNumber", 1)
