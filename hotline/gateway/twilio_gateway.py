"""The gateway on twilio's own REST client, pointed at Twilio's cloud or a compatible server."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from hotline import sandbox_plugin
from hotline.gateway import CallState, GatewayError, PlacedCall, RecordingState, SentMessage
from hotline.gateway.media import MediaRefused, fetch_capped, host_of
from hotline.logging import mask_phone
from hotline.phone import InvalidPhone, normalise_phone
from hotline.sids import is_call_sid, is_recording_sid

log = logging.getLogger(__name__)
# twilio logs every request's headers at INFO; our own lines (masked numbers, CallSid) say enough.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
TWILIO_API = "https://api.twilio.com"



def dialable(to: str) -> str:
    """`to` as E.164 if libphonenumber finds it a valid number (hotline.phone, the one place numbers are
    checked), or a Twilio Client or SIP address as it is; otherwise GatewayError, not retryable, as
    Twilio's 21211 would be, before any request."""
    if isinstance(to, str) and to.startswith(("client:", "sip:", "sips:")):
        return to
    if not isinstance(to, str) or not to.strip().startswith("+"):
        raise GatewayError(f"not an E.164 number: {mask_phone(str(to))}", status=400, code=21211)
    try:
        return normalise_phone(to)
    except InvalidPhone:
        raise GatewayError(f"not a valid phone number: {mask_phone(to)}", status=400, code=21211) from None

class RebasedHttpClient(TwilioHttpClient):
    """Sends each request the twilio library makes for api.twilio.com to `base_url` instead."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        return super().request(method, rebase(url, self.base_url), params=params, data=data, headers=headers,
                               auth=auth, timeout=timeout, allow_redirects=allow_redirects)


def rebase(url: str, base_url: str | None) -> str:
    if not base_url:
        return url
    parts = urlsplit(url)
    if parts.netloc.endswith("twilio.com"):
        return base_url + parts.path + (f"?{parts.query}" if parts.query else "")
    return url


class TwilioGateway:
    def __init__(self, account_sid: str, auth_token: str, from_number: str, api_url: str | None = None,
                 timeout: float = 10.0, media_hosts: tuple[str, ...] = ("media.twiliocdn.com",)) -> None:
        self.account_sid = account_sid
        self.media_hosts = media_hosts
        self.auth_token = auth_token
        self.from_number = from_number
        self.api_url = api_url or None
        http_client = RebasedHttpClient(api_url, timeout) if api_url else TwilioHttpClient(timeout=timeout)
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings, app=None) -> "TwilioGateway":
        api_url = sandbox_plugin.rest_api_url(settings, app)
        return cls(settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_from_number, api_url,
                   media_hosts=settings.twilio_media_hosts)

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TwilioRestException as exc:
            raise GatewayError(f"{what}: {exc.msg}", status=exc.status, code=exc.code) from exc
        except requests.RequestException as exc:
            raise GatewayError(f"{what}: {type(exc).__name__}: {exc}") from exc

    def place_call(self, to, url, *, from_=None, status_callback=None,
                   status_events=("initiated", "ringing", "answered", "completed"), timeout=60,
                   machine_detection=None) -> PlacedCall:
        to = dialable(to)
        kwargs = {"to": to, "from_": from_ or self.from_number, "url": url, "timeout": timeout}
        if status_callback:
            kwargs.update(status_callback=status_callback, status_callback_event=list(status_events),
                          status_callback_method="POST")
        if machine_detection:
            kwargs["machine_detection"] = machine_detection
        call = self._call("place call", self.client.calls.create, **kwargs)
        log.info("placed call to %s", mask_phone(to), extra={"call_sid": call.sid})
        return PlacedCall(sid=call.sid, status=call.status)

    def send_sms(self, to, body, *, from_=None, status_callback=None) -> SentMessage:
        to = dialable(to)
        kwargs = {"to": to, "from_": from_ or self.from_number, "body": body}
        if status_callback:
            kwargs["status_callback"] = status_callback
        message = self._call("send SMS", self.client.messages.create, **kwargs)
        log.info("sent SMS to %s", mask_phone(to), extra={"message_sid": message.sid})
        return SentMessage(sid=message.sid, status=message.status)

    def redirect_call(self, call_sid, url) -> None:
        self._call("redirect call", self.client.calls(call_sid).update, url=url, method="POST")

    def hangup_call(self, call_sid) -> None:
        self._call("hang up call", self.client.calls(call_sid).update, status="completed")

    def record_call(self, call_sid, *, status_callback) -> str:
        recording = self._call("record call", self.client.calls(call_sid).recordings.create,
                               recording_channels="dual", recording_status_callback=status_callback,
                               recording_status_callback_event=["completed"],
                               recording_status_callback_method="POST")
        return recording.sid

    def start_stream(self, call_sid, url, *, track="both_tracks") -> str:
        stream = self._call("start stream", self.client.calls(call_sid).streams.create, url=url, track=track)
        return stream.sid

    def update_participant(self, conference_sid, call_sid, *, hold=None, hold_url=None, muted=None,
                           coaching=None, call_sid_to_coach=None) -> None:
        changes = {key: value for key, value in (("hold", hold), ("hold_url", hold_url), ("muted", muted),
                                                 ("coaching", coaching), ("call_sid_to_coach", call_sid_to_coach))
                   if value is not None}
        if hold_url:
            changes["hold_method"] = "POST"
        self._call("update participant", self.client.conferences(conference_sid).participants(call_sid).update,
                   **changes)

    def add_participant(self, conference_sid, to, *, label, status_callback=None, timeout=60, muted=False,
                        coach=None, end_conference_on_exit=False) -> str:
        kwargs = {"from_": self.from_number, "to": dialable(to), "label": label, "timeout": timeout,
                  "muted": muted, "beep": "false", "start_conference_on_enter": True,
                  "end_conference_on_exit": end_conference_on_exit}
        if status_callback:
            kwargs.update(status_callback=status_callback, status_callback_method="POST",
                          status_callback_event=["answered", "completed"])
        if coach:
            kwargs.update(coaching=True, call_sid_to_coach=coach)
        participant = self._call("add participant", self.client.conferences(conference_sid).participants.create,
                                 **kwargs)
        log.info("added %s to a conference", mask_phone(to), extra={"call_sid": participant.call_sid})
        return participant.call_sid

    def remove_participant(self, conference_sid, call_sid) -> None:
        self._call("remove participant", self.client.conferences(conference_sid).participants(call_sid).delete)

    def download_recording(self, recording_sid, *, max_bytes) -> bytes:
        if not is_recording_sid(recording_sid):
            raise MediaRefused(f"download recording: {recording_sid!r} is not a RecordingSid")
        base = self.api_url or TWILIO_API
        url = f"{base}/2010-04-01/Accounts/{self.account_sid}/Recordings/{recording_sid}.wav"
        return fetch_capped(url, auth=(self.account_sid, self.auth_token), api_host=host_of(base),
                            media_hosts=self.media_hosts, max_bytes=max_bytes, timeout=max(self.timeout, 60))

    def delete_recording(self, recording_sid) -> None:
        self._call("delete recording", self.client.recordings(recording_sid).delete)

    def fetch_call(self, call_sid) -> CallState | None:
        if not is_call_sid(call_sid):
            return None  # no request for a sid Twilio cannot have issued
        try:
            call = self._call("fetch call", self.client.calls(call_sid).fetch)
        except GatewayError as exc:
            if exc.status == 404:
                return None
            raise
        return CallState(sid=call.sid, status=call.status, duration=call.duration)

    def call_recordings(self, call_sid) -> list[RecordingState]:
        if not is_call_sid(call_sid):
            return []
        found = self._call("list call recordings", self.client.calls(call_sid).recordings.list, page_size=50)
        return [RecordingState(sid=r.sid, call_sid=r.call_sid or call_sid, status=r.status, duration=r.duration,
                               channels=r.channels, source=r.source,
                               error_code=str(r.error_code) if r.error_code else None) for r in found]
