"""Twilio's Media Streams messages, read without a socket."""
import base64
import json

import pytest

from live import messages
from live.messages import BadMessage, Media, Start, Stop

CALL = "CA" + "a" * 32


def start(**changes):
    body = {"streamSid": "MZ" + "b" * 32, "accountSid": "AC" + "c" * 32, "callSid": CALL,
            "tracks": ["inbound", "outbound"], "customParameters": {"queue": "complaint"},
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}
    body.update(changes)
    return json.dumps({"event": "start", "sequenceNumber": "1", "start": body, "streamSid": body["streamSid"]})


def media(track="inbound", chunk="1", payload=None, **extra):
    payload = base64.b64encode(b"\xff" * 160).decode() if payload is None else payload
    return json.dumps({"event": "media", "sequenceNumber": "2", "media": {
        "track": track, "chunk": chunk, "timestamp": "20", "payload": payload, **extra}})


def test_twilios_messages_are_read_with_their_fields():
    assert messages.parse(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})).protocol == "Call"
    started = messages.parse(start())
    assert isinstance(started, Start) and started.call_sid == CALL and started.tracks == ("inbound", "outbound")
    assert started.parameters == {"queue": "complaint"} and started.sequence == 1
    frame = messages.parse(media(chunk="7"))
    assert isinstance(frame, Media) and (frame.track, frame.chunk, frame.timestamp) == ("inbound", 7, 20)
    assert frame.payload == b"\xff" * 160
    stop = messages.parse(json.dumps({"event": "stop", "sequenceNumber": "9", "stop": {"callSid": CALL}}))
    assert isinstance(stop, Stop) and stop.call_sid == CALL
    assert messages.parse(json.dumps({"event": "mark", "sequenceNumber": "3", "mark": {"name": "x"}})).name == "x"


@pytest.mark.parametrize("frame, reason", [
    (b"\x00\x01", "binary frame"),
    ("not json", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    (json.dumps({"event": "dance"}), "unknown event"),
    (start(callSid="CA../../x"), "callSid"),
    (start(tracks=["both"]), "tracks"),
    (start(mediaFormat={"encoding": "audio/l16", "sampleRate": 16000, "channels": 1}), "mediaFormat"),
    (media(track="sideways"), "media.track"),
    (media(chunk="-1"), "chunk"),
    (media(chunk=True), "chunk"),
    (media(payload="***"), "not base64"),
    (media(payload=""), "payload is missing"),
    (media(payload="A" * 20000), "payload of"),
    (json.dumps({"event": "media", "sequenceNumber": "2"}), "without its 'media'"),
    (json.dumps({"event": "stop", "sequenceNumber": "x", "stop": {}}), "sequenceNumber"),
    ("x" * (messages.MAX_FRAME_BYTES + 1), "frame of"),
])
def test_garbage_is_refused_with_a_reason(frame, reason):
    with pytest.raises(BadMessage, match=reason):
        messages.parse(frame)
