"""What hotline asks of the telephone network, in one interface.

`get_gateway()` returns the app's gateway: the twilio REST client against Twilio's cloud, or
against any Twilio-compatible server named by TWILIO_API_URL (the sandbox in tests and demos).
Areas call only these methods; none of them builds Twilio REST requests by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app

from hotline import sandbox_plugin


class GatewayError(RuntimeError):
    """Twilio (or the sandbox) refused or failed a request.

    `status` is the HTTP status, `code` Twilio's error code (e.g. 20429 too many requests, 21610
    unsubscribed recipient); `retryable` says whether trying again later can succeed.
    """

    def __init__(self, message: str, status: int | None = None, code: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def retryable(self) -> bool:
        return self.status in {429, 500, 502, 503, 504} or self.code == 20429 or self.status is None


@dataclass(frozen=True)
class PlacedCall:
    sid: str
    status: str


@dataclass(frozen=True)
class SentMessage:
    sid: str
    status: str


@dataclass(frozen=True)
class CallState:
    """Twilio's record of a call (GET .../Calls/<sid>.json): what a status callback would have said."""

    sid: str
    status: str
    duration: str | None


@dataclass(frozen=True)
class RecordingState:
    """One of a call's recordings as Twilio lists it (GET .../Calls/<sid>/Recordings.json). `status`
    is Twilio's: processing, completed, absent, failed or deleted."""

    sid: str
    call_sid: str
    status: str
    duration: str | None
    channels: int | None
    source: str | None
    error_code: str | None


class TelephonyGateway(Protocol):
    def place_call(self, to: str, url: str, *, from_: str | None = None, status_callback: str | None = None,
                   status_events: tuple[str, ...] = ("initiated", "ringing", "answered", "completed"),
                   timeout: int = 60, machine_detection: str | None = None) -> PlacedCall:
        """Start an outbound call; Twilio requests `url` for TwiML once it is answered."""

    def send_sms(self, to: str, body: str, *, from_: str | None = None,
                 status_callback: str | None = None) -> SentMessage:
        """Send an SMS; delivery states arrive at `status_callback`."""

    def redirect_call(self, call_sid: str, url: str) -> None:
        """Make a live call fetch new TwiML from `url` (pulls a caller out of a queue, too)."""

    def hangup_call(self, call_sid: str) -> None:
        """End a live call."""

    def record_call(self, call_sid: str, *, status_callback: str) -> str:
        """Record a live leg from now until it ends, in two channels (the leg itself, and what it
        hears): a conference's own recording is one mixed channel. Returns the RecordingSid."""

    def start_stream(self, call_sid: str, url: str, *, track: str = "both_tracks") -> str:
        """Fork a live call's audio to the WebSocket at `url` (a Media Stream); returns the StreamSid."""

    def update_participant(self, conference_sid: str, call_sid: str, *, hold: bool | None = None,
                           hold_url: str | None = None, muted: bool | None = None,
                           coaching: bool | None = None, call_sid_to_coach: str | None = None) -> None:
        """Hold (with `hold_url`'s TwiML played to them) or resume, mute or unmute one participant;
        make them a coach only `call_sid_to_coach` hears, or heard by everyone again."""

    def add_participant(self, conference_sid: str, to: str, *, label: str, status_callback: str | None = None,
                        timeout: int = 60, muted: bool = False, coach: str | None = None,
                        end_conference_on_exit: bool = False) -> str:
        """Dial `to` into a conference (Participants resource); returns the new leg's CallSid. Its
        `status_callback` gets `answered` (as `in-progress`) and the final status."""

    def remove_participant(self, conference_sid: str, call_sid: str) -> None:
        """Take a participant out of a conference: a leg the resource dialed hangs up; a leg that
        joined by `<Dial>` goes on with the TwiML after its Dial (its action)."""

    def download_recording(self, recording_sid: str, *, max_bytes: int) -> bytes:
        """The WAV bytes of a recording, fetched by its sid from the configured API host (never from
        a URL a callback named); redirects only to Twilio's media hosts; more than `max_bytes` is
        refused while streaming (`GatewayError` that is not retryable)."""

    def delete_recording(self, recording_sid: str) -> None:
        """Remove Twilio's copy of a recording once ours is verified."""

    def fetch_call(self, call_sid: str) -> CallState | None:
        """Twilio's current record of a call; None if Twilio has no such call (404)."""

    def call_recordings(self, call_sid: str) -> list[RecordingState]:
        """Every recording Twilio holds for a call (the parent leg of a dialed call)."""


def init_app(app: Flask) -> None:
    app.extensions["hotline.gateway"] = None
    settings = app.config["HOTLINE_SETTINGS"]
    if settings.is_sandbox and not settings.twilio_api_url:
        # Registered now, in the process that built the app, so forked RQ jobs and the children of
        # `hotline serve` reach this same sandbox over HTTP instead of starting their own.
        sandbox_plugin.sandbox_api_url(settings, app)


def get_gateway() -> TelephonyGateway:
    gateway = current_app.extensions.get("hotline.gateway")
    if gateway is None:
        # local import: twilio's REST client costs ~0.3 s to import; only a process that talks to
        # Twilio pays it (the revisits worker preloads it)
        from hotline.gateway.twilio_gateway import TwilioGateway

        gateway = TwilioGateway.from_settings(current_app.config["HOTLINE_SETTINGS"],
                                              app=current_app._get_current_object())
        current_app.extensions["hotline.gateway"] = gateway
    return gateway
