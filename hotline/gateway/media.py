"""Fetching a recording's bytes: only from Twilio's hosts, never more than a cap, redirects checked.

The first request goes to the API host with the account's credentials; Twilio may answer with a
redirect to its media host. Every hop is checked against the allowed hosts before it is requested,
credentials go only to the API host, and the body is counted while it streams, so a lying
Content-Length or an endless body stops at the cap instead of filling memory or the disk.
"""
from __future__ import annotations

import json
from urllib.parse import urljoin, urlsplit

import requests

from hotline.gateway import GatewayError

MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024


class MediaRefused(GatewayError):
    """The download went somewhere it must not, or was larger than allowed; retrying cannot help."""

    @property
    def retryable(self) -> bool:
        return False


def host_of(url: str) -> str:
    """`host` or `host:port` as written in the URL, lower-cased (what TWILIO_MEDIA_HOSTS lists)."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def fetch_capped(url: str, *, auth: tuple[str, str], api_host: str, media_hosts: tuple[str, ...],
                 max_bytes: int, timeout: float) -> bytes:
    """GET `url` (on `api_host`), following redirects only to `api_host` or `media_hosts`."""
    allowed = {api_host, *media_hosts}
    scheme = urlsplit(url).scheme
    for _ in range(MAX_REDIRECTS + 1):
        host = host_of(url)
        if urlsplit(url).scheme != scheme:  # no downgrade from https to plain http on the way
            raise MediaRefused(f"download recording: redirected from {scheme} to {urlsplit(url).scheme}; not followed")
        if host not in allowed:
            raise MediaRefused(f"download recording: redirected to {host}, which is neither the API host "
                               f"{api_host} nor a Twilio media host (TWILIO_MEDIA_HOSTS); not followed")
        try:
            response = requests.get(url, auth=auth if host == api_host else None, timeout=timeout,
                                    allow_redirects=False, stream=True)
        except requests.RequestException as exc:
            raise GatewayError(f"download recording: {type(exc).__name__}: {exc}") from exc
        with response:
            if response.is_redirect:
                url = urljoin(url, response.headers.get("Location", ""))
                continue
            if response.status_code != 200:
                raise GatewayError(f"download recording: HTTP {response.status_code}{_twilio_message(response)}",
                                   status=response.status_code)
            return _read_capped(response, max_bytes)
    raise MediaRefused(f"download recording: more than {MAX_REDIRECTS} redirects")


def _twilio_message(response: requests.Response) -> str:
    """Twilio's error JSON names the problem ({"code", "message"}); read a little of it, never more."""
    try:
        raw = response.raw.read(4096, decode_content=True)
        message = json.loads(raw).get("message")
    except (ValueError, AttributeError, OSError, requests.RequestException):
        return ""
    return f" ({str(message)[:200]})" if message else ""


def _read_capped(response: requests.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise MediaRefused(f"download recording: {declared} bytes announced, more than the {max_bytes} "
                           "allowed for its duration; not downloaded")
    body = bytearray()
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            body += chunk
            if len(body) > max_bytes:
                raise MediaRefused(f"download recording: more than the {max_bytes} bytes allowed for its "
                                   "duration; stopped reading")
    except requests.RequestException as exc:
        raise GatewayError(f"download recording: {type(exc).__name__}: {exc}") from exc
    return bytes(body)
