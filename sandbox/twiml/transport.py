"""How the simulator reaches the app: Flask's test client in-process, or real HTTP to a server.

Either way a request is signed like Twilio signs it: over the URL as requested (PUBLIC_BASE_URL +
path + query) plus the sorted POST parameters, with the auth token.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from twilio.request_validator import RequestValidator


@dataclass
class WebhookRequest:
    """One request the simulator sent, kept so tests can inspect or replay it."""

    at: float
    call_sid: str
    kind: str  # "twiml", "status", "recording", "action"...
    method: str
    url: str
    params: dict[str, str]
    signature: str
    status: int = 0
    content_type: str = ""
    body: str = ""
    error: str = ""
    seconds: float = 0.0  # wall-clock time the app took to answer
    extra: dict[str, Any] = field(default_factory=dict)


TWILIO_WAIT_SECONDS = 15.0


class Transport:
    def __init__(self, public_base_url: str, auth_token: str) -> None:
        self.public_base_url = public_base_url.rstrip("/")
        self.validator = RequestValidator(auth_token)
        self.wait_seconds = TWILIO_WAIT_SECONDS

    def sign(self, url: str, params: dict[str, str]) -> str:
        return self.validator.compute_signature(url, params)

    def prepare(self, method: str, url: str, params: dict[str, str]) -> tuple[str, dict[str, str]]:
        """The URL Twilio would request and the form it would post (GET: parameters in the query)."""
        if method.upper() == "GET":
            query = urlencode(params)
            return (f"{url}{'&' if '?' in url else '?'}{query}" if query else url), {}
        return url, params

    def send(self, request: WebhookRequest, virtual_now: float) -> WebhookRequest:
        started = time.perf_counter()
        self.deliver(request, virtual_now)
        request.seconds = time.perf_counter() - started
        if request.seconds > self.wait_seconds and not request.error:
            # Twilio would have given up on the request before this answer arrived.
            request.error = f"no answer within {self.wait_seconds:g} s (took {request.seconds:.2f} s)"
        return request

    def deliver(self, request: WebhookRequest, virtual_now: float) -> None:
        raise NotImplementedError

    def api(self, method: str, path: str, body: dict, virtual_now: float) -> tuple[int, str]:
        """A scripted desk action: the app's own API (not Twilio's side), as an operator would use it."""
        return 0, "desk actions need the in-process app (hotline simulate without --url)"


class InProcessTransport(Transport):
    """Drives the Flask app through its test client, with the app's FrozenClock at virtual time."""

    def __init__(self, app, start: datetime) -> None:
        settings = app.config["HOTLINE_SETTINGS"]
        super().__init__(settings.public_base_url, settings.twilio_auth_token)
        self.app = app
        self.client = app.test_client()
        self.start = start
        self._last_set: datetime | None = None

    def sync_clock(self, virtual_now: float) -> None:
        """Set the app's clock to virtual time. If the test moved the clock meanwhile (clock.advance),
        virtual time goes on from there instead of undoing the jump."""
        clock = self.app.extensions["hotline.clock"]
        if not hasattr(clock, "set"):
            return
        if self._last_set is not None and clock.now() != self._last_set:
            self.start += clock.now() - self._last_set
        self._last_set = self.start + timedelta(seconds=virtual_now)
        clock.set(self._last_set)

    def deliver(self, request: WebhookRequest, virtual_now: float) -> None:
        self.sync_clock(virtual_now)
        if not request.url.startswith(self.public_base_url + "/"):
            request.error = f"cannot reach {request.url} (not under PUBLIC_BASE_URL {self.public_base_url})"
            return
        path = request.url[len(self.public_base_url):]
        parts = urlsplit(path)
        headers = {"X-Twilio-Signature": request.signature, "User-Agent": "TwilioProxy/1.1",
                   "I-Twilio-Idempotency-Token": request.extra.get("idempotency", "")}
        if request.method == "GET":
            response = self.client.get(parts.path, query_string=parts.query, headers=headers)
        else:
            response = self.client.post(parts.path, query_string=parts.query, data=request.params, headers=headers)
        request.status = response.status_code
        request.content_type = response.mimetype or ""
        request.body = response.get_data(as_text=True)


    def api(self, method: str, path: str, body: dict, virtual_now: float) -> tuple[int, str]:
        self.sync_clock(virtual_now)
        token = self.app.config["HOTLINE_SETTINGS"].admin_token
        response = self.client.open(path, method=method, json=body or None,
                                    headers={"Authorization": f"Bearer {token}"} if token else {})
        return response.status_code, response.get_data(as_text=True)


class HttpTransport(Transport):
    """Posts to a running hotline over real HTTP; `connect_url` replaces PUBLIC_BASE_URL for the socket."""

    def __init__(self, connect_url: str, public_base_url: str, auth_token: str, timeout: float = 15.0) -> None:
        super().__init__(public_base_url, auth_token)
        self.connect_url = connect_url.rstrip("/")
        self.session = requests.Session()
        self.timeout = timeout

    def deliver(self, request: WebhookRequest, virtual_now: float) -> None:
        url = request.url
        if url.startswith(self.public_base_url + "/"):
            url = self.connect_url + url[len(self.public_base_url):]
        headers = {"X-Twilio-Signature": request.signature, "User-Agent": "TwilioProxy/1.1"}
        try:
            if request.method == "GET":
                response = self.session.get(url, headers=headers, timeout=self.timeout)
            else:
                response = self.session.post(url, data=request.params, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            request.error = f"{type(exc).__name__}: {exc}"
            return
        request.status = response.status_code
        request.content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        request.body = response.text
