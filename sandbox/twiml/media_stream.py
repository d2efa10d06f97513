"""Twilio's side of a Media Stream: the call's audio sent to the app's WebSocket as Twilio sends it.

The handshake carries X-Twilio-Signature over the wss URL (no parameters); then JSON text frames:
`connected`, `start` (streamSid, accountSid, callSid, tracks, customParameters, mediaFormat),
`media` every 20 ms per track (track, chunk from 1, timestamp in ms, base64 μ-law payload), and
`stop`; every message numbered by `sequenceNumber` (TWILIO_NOTES.md). `inbound` is the caller's
audio, `outbound` what the caller hears (the agent). Frames are paced in real time, `speed` times
faster, or as fast as the socket takes them (`speed=None`, the virtual clock's choice).
"""
from __future__ import annotations

import base64
import json
import threading
import time
from array import array

from twilio.request_validator import RequestValidator
from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import connect

from hotline import mulaw
from sandbox.engine.sids import new_sid
from sandbox.twiml.audio import RATE

FRAME_SAMPLES = RATE // 50  # 20 ms


class MediaStream:
    def __init__(self, url: str, auth_token: str, account_sid: str, call_sid: str,
                 tracks: dict[str, array], *, speed: float | None = 1.0,
                 parameters: dict[str, str] | None = None) -> None:
        self.url, self.call_sid, self.account_sid = url, call_sid, account_sid
        self.signature = RequestValidator(auth_token).compute_signature(url, {})
        self.tracks = tracks  # "inbound" / "outbound" -> 8 kHz 16-bit samples
        self.speed = speed
        self.parameters = parameters or {}
        self.sid = new_sid("MZ")
        self.sent = 0           # media frames sent
        self.error = ""         # why the stream failed (refused handshake, closed by the app)
        self.close_code: int | None = None
        self.began: float | None = None  # time.time() of the first frame's moment (audio second 0)
        self._socket = None
        self._thread: threading.Thread | None = None
        self._sequence = 0

    def connect(self) -> bool:
        """The handshake only (in the engine's step, while the call is certainly live)."""
        try:
            self._socket = connect(self.url, additional_headers={"X-Twilio-Signature": self.signature},
                                   open_timeout=10, close_timeout=5, legacy=True)
        except InvalidStatus as exc:
            self.error = f"handshake refused: HTTP {exc.response.status_code}"
        except (OSError, WebSocketException) as exc:
            self.error = f"could not connect: {type(exc).__name__}: {exc}"
        return self._socket is not None

    def start(self) -> None:
        """Send the audio in a thread of its own."""
        self._thread = threading.Thread(target=self.send_all, daemon=True, name=f"stream-{self.sid}")
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _message(self, event: str, **fields) -> str:
        self._sequence += 1
        return json.dumps({"event": event, "sequenceNumber": str(self._sequence), "streamSid": self.sid, **fields})

    def frames(self):
        """(track, chunk, timestamp ms, μ-law bytes) in the order Twilio sends them."""
        length = max(len(samples) for samples in self.tracks.values())
        encoded = {track: mulaw.encode(samples.tobytes()) for track, samples in self.tracks.items()}
        for chunk, offset in enumerate(range(0, length, FRAME_SAMPLES), start=1):
            for track, audio in encoded.items():
                piece = audio[offset:offset + FRAME_SAMPLES]
                piece += bytes([mulaw.SILENCE]) * (FRAME_SAMPLES - len(piece))
                yield track, chunk, offset * 1000 // RATE, piece

    def send_all(self) -> None:
        socket = self._socket
        if socket is None:
            return
        try:
            socket.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
            socket.send(self._message("start", start={
                "streamSid": self.sid, "accountSid": self.account_sid, "callSid": self.call_sid,
                "tracks": sorted(self.tracks), "customParameters": self.parameters,
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": RATE, "channels": 1}}))
            began = time.monotonic()
            self.began = time.time()
            for track, chunk, timestamp, payload in self.frames():
                if self.speed:
                    ahead = began + timestamp / 1000 / self.speed - time.monotonic()
                    if ahead > 0:
                        time.sleep(ahead)
                socket.send(self._message("media", media={
                    "track": track, "chunk": str(chunk), "timestamp": str(timestamp),
                    "payload": base64.b64encode(payload).decode("ascii")}))
                self.sent += 1
            socket.send(self._message("stop", stop={"accountSid": self.account_sid, "callSid": self.call_sid}))
            socket.close()
        except WebSocketException as exc:
            self.error = f"closed by the app: {exc}"
        except OSError as exc:
            self.error = f"connection lost: {exc}"
        finally:
            self.close_code = socket.close_code
            socket.close()
