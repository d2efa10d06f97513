"""Starting a call's Media Stream when an agent answers (`CallAnswered`, from routing)."""
from __future__ import annotations

import logging

from flask import current_app

from hotline.contracts import CallAnswered
from hotline.gateway import GatewayError, get_gateway
from live.media_server import stream_url

log = logging.getLogger(__name__)


def start_live_stream(event: CallAnswered) -> bool:
    """Ask Twilio (the Streams REST resource: the call is already in progress) to stream both tracks of
    the answered call to the media service. Off while LIVE_MEDIA_URL is empty. A refusal is logged and
    the call goes on: its recording is still transcribed after hang-up."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    if not settings.live_media_url:
        return False
    try:
        get_gateway().start_stream(event.call_sid, stream_url(settings, event.call_sid), track="both_tracks")
    except GatewayError as exc:
        log.warning("live transcript not started: %s", exc, extra={"call_sid": event.call_sid})
        return False
    return True
