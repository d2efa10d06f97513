"""What the sandbox network holds: calls placed, messages sent, recordings, and injected failures.

One `SandboxState` per sandbox, shared by the REST server's threads and the call simulator, so every
method takes the lock. A simulator that plays the calls attaches itself as `listener`; the REST side
then hands it new calls, redirects and hang-ups (`on_call_created`, `on_call_updated`).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from sandbox.engine.sids import new_sid

# Twilio's STOP words per sender (TWILIO_NOTES.md); START words undo them.
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
START_WORDS = frozenset({"start", "yes", "unstop"})


class SandboxError(Exception):
    """A REST request the sandbox refuses, answered as Twilio's error JSON."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Recording:
    sid: str
    call_sid: str
    wav: bytes
    channels: int
    duration: int
    source: str = "DialVerb"
    started_at: float = 0.0  # virtual seconds, for RecordingStartTime
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    deleted: bool = False


@dataclass
class Failure:
    status: int
    code: int
    message: str
    count: int
    path_contains: str | None


class Listener(Protocol):
    def on_call_created(self, call: dict[str, Any]) -> None: ...
    def on_call_updated(self, sid: str, changes: dict[str, str]) -> dict[str, Any] | None: ...
    def on_message_created(self, message: dict[str, Any]) -> None: ...
    def on_participant_created(self, conference: dict[str, Any], form: Any) -> dict[str, Any]: ...
    def on_participant_updated(self, conference_sid: str, call_sid: str, changes: dict[str, str]) -> None: ...
    def on_participant_deleted(self, conference_sid: str, call_sid: str) -> None: ...
    def on_conference_updated(self, conference_sid: str, changes: dict[str, str]) -> None: ...
    def on_recording_started(self, options: dict[str, Any]) -> None: ...
    def on_stream_started(self, options: dict[str, Any]) -> None: ...
    def on_recording_stopped(self, call_sid: str, recording_sid: str) -> bool: ...
    def on_softphone(self, address: str, action: str, text: str = "") -> dict[str, Any]: ...


class SandboxState:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.lock = threading.RLock()
        self.listener: Listener | None = None
        self.live = None  # a LiveSimulator playing calls in real time (hotline serve)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.calls: list[dict[str, Any]] = []
            # Calls the network played that nobody created through REST (inbound, dialed legs):
            # Twilio's API shows them too (GET .../Calls/<sid>.json).
            self.played: dict[str, dict[str, Any]] = {}
            self.messages: list[dict[str, Any]] = []
            self.redirects: list[dict[str, str]] = []
            self.hangups: list[str] = []
            self.recordings: dict[str, Recording] = {}
            self.deleted_recordings: list[str] = []
            self.requests: list[tuple[str, str]] = []
            self._failures: list[Failure] = []
            self._rate: float | None = None
            self._recent: list[float] = []
            self._unsubscribed: set[tuple[str, str | None]] = set()
            self.media_redirects: dict[str, str] = {}
            self._holds: dict[str, tuple[threading.Event, threading.Event]] = {}
            # Conferences and their participants as the REST API shows them; the simulator writes them.
            self.conferences: dict[str, dict[str, Any]] = {}
            self.participants: dict[str, dict[str, dict[str, Any]]] = {}

    # Knobs for tests and demos.
    def fail_next(self, status: int = 429, code: int = 20429, message: str = "Too Many Requests",
                  count: int = 1, path_contains: str | None = None) -> None:
        with self.lock:
            self._failures.append(Failure(status, code, message, count, path_contains))

    def rate_limit(self, per_second: float | None) -> None:
        """Answer 429/20429 to requests beyond `per_second` in any one-second window (None: no limit)."""
        with self.lock:
            self._rate = per_second
            self._recent = []

    def unsubscribe(self, to: str, from_: str | None = None) -> None:
        with self.lock:
            self._unsubscribed.add((to, from_))

    def resubscribe(self, to: str, from_: str | None = None) -> None:
        with self.lock:
            self._unsubscribed.discard((to, from_))
            if from_ is None:
                self._unsubscribed = {pair for pair in self._unsubscribed if pair[0] != to}

    def is_unsubscribed(self, to: str, from_: str) -> bool:
        with self.lock:
            return (to, None) in self._unsubscribed or (to, from_) in self._unsubscribed

    def note_inbound_sms(self, from_: str, to: str, body: str) -> None:
        """Twilio's own STOP/START handling for a message a customer sends to our number."""
        word = body.strip().lower()
        if word in STOP_WORDS:
            self.unsubscribe(from_, to)
        elif word in START_WORDS:
            self.resubscribe(from_, to)

    def admit(self, method: str, path: str) -> None:
        """Record a REST request and raise the injected failure or rate limit that applies to it."""
        with self.lock:
            self.requests.append((method, path))
            for failure in self._failures:
                if failure.path_contains is None or failure.path_contains in path:
                    failure.count -= 1
                    if failure.count <= 0:
                        self._failures.remove(failure)
                    raise SandboxError(failure.status, failure.code, failure.message)
            if self._rate is not None:
                now = time.monotonic()
                self._recent = [t for t in self._recent if now - t < 1.0]
                if len(self._recent) >= self._rate:
                    raise SandboxError(429, 20429, "Too Many Requests")
                self._recent.append(now)

    # Calls
    def find_call(self, sid: str) -> dict[str, Any] | None:
        with self.lock:
            return next((c for c in self.calls if c["sid"] == sid), None) or self.played.get(sid)

    def track_call(self, call: dict[str, Any]) -> None:
        """Keep the record of a call the network itself started (an inbound call, a dialed leg)."""
        with self.lock:
            self.played[call["sid"]] = call

    def add_call(self, call: dict[str, Any]) -> None:
        with self.lock:
            self.calls.append(call)
            listener = self.listener
        if listener is not None:
            listener.on_call_created(call)

    def update_call(self, sid: str, changes: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            if "Url" in changes or "Twiml" in changes:
                self.redirects.append({"sid": sid, **{k: v for k, v in changes.items() if k in ("Url", "Twiml")}})
            if changes.get("Status") in {"completed", "canceled"}:
                self.hangups.append(sid)
            listener = self.listener
            call = self.find_call(sid)
        if listener is not None:
            updated = listener.on_call_updated(sid, changes)
            if updated is not None:
                return updated
        if call is None:
            raise SandboxError(404, 20404, f"The requested resource /Calls/{sid}.json was not found")
        if call["status"] in {"completed", "busy", "no-answer", "failed", "canceled"}:
            raise SandboxError(400, 21220, "Call is not in-progress. Cannot redirect.")
        if changes.get("Status") in {"completed", "canceled"}:
            call["status"] = "completed" if call["status"] == "in-progress" else "canceled"
        return call

    # Messages and recordings
    def add_message(self, message: dict[str, Any]) -> None:
        with self.lock:
            self.messages.append(message)
            listener = self.listener
        if listener is not None:
            listener.on_message_created(message)

    def add_recording(self, recording: Recording) -> None:
        with self.lock:
            self.recordings[recording.sid] = recording

    def redirect_media(self, sid: str, location: str) -> None:
        """Answer a download of recording `sid` with a 302 to `location`, as Twilio's API does."""
        with self.lock:
            self.media_redirects[sid] = location

    def hold_media(self, sid: str) -> tuple[threading.Event, threading.Event]:
        """Make the next download of `sid` wait: returns (arrived, release) events for a test to
        catch a worker in the middle of a download."""
        arrived, release = threading.Event(), threading.Event()
        with self.lock:
            self._holds[sid] = (arrived, release)
        return arrived, release

    def wait_if_held(self, sid: str, timeout: float = 60.0) -> None:
        with self.lock:
            hold = self._holds.pop(sid, None)
        if hold is not None:
            hold[0].set()
            hold[1].wait(timeout)

    def call_recordings(self, call_sid: str) -> list[Recording]:
        with self.lock:
            return [r for r in self.recordings.values() if r.call_sid == call_sid and not r.deleted]

    def recording(self, sid: str) -> Recording | None:
        with self.lock:
            recording = self.recordings.get(sid)
            return None if recording is None or recording.deleted else recording

    def delete_recording(self, sid: str) -> bool:
        with self.lock:
            recording = self.recording(sid)
            if recording is None:
                return False
            recording.deleted = True
            self.deleted_recordings.append(sid)
            return True

    # Conferences: the simulator keeps these records current; REST reads them under the lock.
    def reserve_conference(self, name: str) -> dict[str, Any]:
        """A new conference called `name` (status `init` until it starts)."""
        now = datetime.now(timezone.utc)
        record = {"sid": new_sid("CF"), "account_sid": self.account_sid, "friendly_name": name, "status": "init",
                  "date_created": now, "date_updated": now, "reason_conference_ended": None,
                  "call_sid_ending_conference": None}
        with self.lock:
            self.conferences[record["sid"]] = record
            self.participants[record["sid"]] = {}
        return record

    def find_conference(self, key: str) -> dict[str, Any] | None:
        """By SID, else the newest conference with that friendly name (a live one first)."""
        with self.lock:
            if key in self.conferences:
                return self.conferences[key]
            named = [c for c in self.conferences.values() if c["friendly_name"] == key]
            live = [c for c in named if c["status"] != "completed"]
            return (live or named or [None])[-1]

    def list_conferences(self, friendly_name: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [c for c in reversed(self.conferences.values())
                    if (friendly_name is None or c["friendly_name"] == friendly_name)
                    and (status is None or c["status"] == status)]

    def track_participant(self, conference_sid: str, record: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            kept = self.participants.setdefault(conference_sid, {}).setdefault(record["call_sid"], {})
            kept.update(record)
            kept.setdefault("date_created", datetime.now(timezone.utc))
            return kept

    def participants_of(self, conference_sid: str, live: bool = True) -> list[dict[str, Any]]:
        with self.lock:
            return [p for p in self.participants.get(conference_sid, {}).values()
                    if not live or p.get("status") != "complete"]

    def find_participant(self, conference_sid: str, key: str) -> dict[str, Any] | None:
        """By CallSid or by label, as Twilio's Participant resource is addressed."""
        with self.lock:
            found = self.participants.get(conference_sid, {})
            return found.get(key) or next((p for p in found.values() if p.get("label") == key), None)
