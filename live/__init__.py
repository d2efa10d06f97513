"""Live call intelligence: the call's audio streamed into Vosk as it happens (docs/live.md).

When an agent answers (`CallAnswered`), the call's Media Stream is started (live/streams.py) towards
the media service, its own process (`hotline media`, live/media_server.py), which transcribes both
tracks live into Redis streams, redacts spoken numbers and fires agent assist (live/assist.py).
The API reads them: GET /api/calls/<sid>/live (the phrases so far), /live/events (server-sent
events) and GET /api/alerts (supervisors); the desk and the supervisor's page follow a call with
live/static/transcript.js (live/pages.py). Models, phrases and redaction are transcription's
(`LiveSpeech`).
"""
from __future__ import annotations

from flask import Flask

from hotline import contracts
from hotline.areas import Area
from live.coverage import LiveTranscriptsFromRedis
from live.media_cli import media_command
from live.pages import init_pages
from live.streams import start_live_stream


def init_app(app: Flask) -> None:
    contracts.subscribe(contracts.CallAnswered, start_live_stream, app)
    contracts.provide(app, contracts.LiveTranscripts, LiveTranscriptsFromRedis())
    app.cli.add_command(media_command)
    init_pages(app)


AREA = Area("live", init_app, api=("live.api",))
