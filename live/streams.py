"""Starting a call's Media Stream when an agent answers (`CallAnswered`, from routing).

The answer arrives in a Twilio webhook that must reply in milliseconds; asking Twilio's REST API to
start the stream takes a round trip of its own (and up to the gateway's timeout when Twilio is slow),
so the webhook only enqueues it and an RQ worker makes the request a moment later.
"""
from __future__ import annotations

import logging

from flask import current_app

from hotline import jobs
from hotline.contracts import CallAnswered
from hotline.gateway import GatewayError, get_gateway
from live.media_server import stream_url

log = logging.getLogger(__name__)

START_STREAM = "live.streams.start_stream"


def start_live_stream(event: CallAnswered) -> bool:
    """Enqueue the answered call's stream; False (nothing enqueued) while LIVE_MEDIA_URL is empty."""
    if not current_app.config["HOTLINE_SETTINGS"].live_media_url:
        return False
    jobs.enqueue(START_STREAM, event.call_sid, job_id=f"live-stream-{event.call_sid}",
                 retry=jobs.Retry(max=2, interval=[1, 3]))
    return True


def start_stream(call_sid: str) -> bool:
    """Ask Twilio (the Streams REST resource: the call is already in progress) to stream both tracks of
    the call to the media service. A refusal is logged and the call goes on: its recording is still
    transcribed after hang-up. A failure worth another try (Twilio unreachable, 5xx) raises, so RQ
    retries it."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    if not settings.live_media_url:
        return False
    try:
        get_gateway().start_stream(call_sid, stream_url(settings, call_sid), track="both_tracks")
    except GatewayError as exc:
        if exc.retryable:
            raise
        log.warning("live transcript not started: %s", exc, extra={"call_sid": call_sid})
        return False
    return True
