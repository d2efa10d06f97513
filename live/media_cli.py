"""`hotline media`: the media service's process (one event loop, a pool of decoding threads)."""
from __future__ import annotations

import asyncio
import logging
import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from live.media_server import MediaService

log = logging.getLogger(__name__)


async def _serve_until(service: MediaService, host: str, port: int, stop: asyncio.Event, ready=None) -> None:
    server = await service.serve(host, port)
    if ready is not None:
        ready()
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()


@click.command("media")
@click.option("--host", default=None, help="Address to listen on (MEDIA_HOST).")
@click.option("--port", type=int, default=None, help="Port to listen on (MEDIA_PORT).")
@click.option("--threads", type=int, default=None, help="Decoding threads (MEDIA_DECODE_THREADS; 0: one per core).")
@with_appcontext
def media_command(host: str | None, port: int | None, threads: int | None) -> None:
    """Serve Twilio Media Streams: live transcripts and agent assist (docs/live.md)."""
    app = current_app._get_current_object()
    settings = app.config["HOTLINE_SETTINGS"]
    host, port = host or settings.media_host, port or settings.media_port
    service = MediaService(app, threads)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await _serve_until(service, host, port, stop, ready=lambda: click.echo(
            f"hotline media: listening on ws://{host}:{port}{service.path}/<CallSid> "
            f"({service.decoders._max_workers} decoding threads)", err=True))

    try:
        asyncio.run(main())
    finally:
        service.close()


class ServiceThread:
    """The media service on its own event loop in a thread of this process (tests, bench): the same
    server as `hotline media`, reached over real WebSocket connections."""

    def __init__(self, app: Flask, port: int, host: str = "127.0.0.1", threads: int | None = None) -> None:
        self.service = MediaService(app, threads)
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, args=(host, port), daemon=True, name="media-service")

    def _run(self, host: str, port: int) -> None:
        async def main() -> None:
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            await _serve_until(self.service, host, port, self._stop, ready=self._ready.set)

        asyncio.run(main())

    def start(self) -> "ServiceThread":
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the media service did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        self.service.close()
