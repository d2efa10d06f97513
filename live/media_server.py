"""The media service: Twilio Media Streams in, live transcripts out (`hotline media`).

A WebSocket server (the `websockets` library, asyncio) on MEDIA_HOST:MEDIA_PORT. The handshake is
refused before any frame is read unless it carries a valid X-Twilio-Signature over the URL Twilio
was given (LIVE_MEDIA_URL + "/" + CallSid: Twilio's Stream URL takes no query string) and the call is
known and not ended. Each accepted stream gets one recogniser per track (inbound: the caller,
outbound: the agent) with the call's language's model; frames are put back in order per track
(live.sequencing), μ-law decoded, and fed in 100 ms pieces to a pool of decoding threads (Kaldi
releases the GIL while decoding, so the threads use every core: docs/live.md has the measurement).
Phrases go through agent assist (live.assist) and into the call's Redis stream. Whatever ends a
stream (stop, garbage, silence past LIVE_STREAM_IDLE_SECONDS, a flood, a dropped connection) closes
its recognisers and writes the stream's `end` entry with its counts.
"""
from __future__ import annotations

import asyncio
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from hotline import clock, db, mulaw
from hotline.contracts import LiveSpeech, need
from hotline.models import Call
from hotline.redis_client import get_redis
from hotline.sids import is_call_sid
from hotline.webhooks import signature_is_valid
from live import messages, transcript_store
from live.assist import CallAssist
from live.messages import TRACKS, BadMessage, Media, Start, Stop
from live.phrases import Phrase
from live.recognisers import RATE, TrackRecogniser
from live.sequencing import StreamSequence, TrackSequencer

log = logging.getLogger(__name__)
FEED_FRAMES = 5               # 100 ms a feed: fewer, larger calls into Kaldi for the same latency budget
MAX_BACKLOG_SECONDS = 30.0    # audio waiting to be decoded beyond this: the client floods, or we fell behind
CLOSE_POLICY = 1008           # WebSocket "policy violation": garbage, wrong call, flood
CLOSE_TIMEOUT = 1001


class StreamClosed(Exception):
    """A reason to close one stream (logged; the others go on)."""


def media_path(settings) -> str:
    return urlsplit(settings.live_media_url).path.rstrip("/") or "/media"


def stream_url(settings, call_sid: str) -> str:
    """The URL to give Twilio for a call's stream (and the one its signature covers)."""
    return f"{settings.live_media_url.rstrip('/')}/{call_sid}"


class MediaService:
    def __init__(self, app: Flask, threads: int | None = None) -> None:
        self.app = app
        self.settings = app.config["HOTLINE_SETTINGS"]
        cores = os.cpu_count() or 1
        self.decoders = ThreadPoolExecutor(threads or self.settings.media_decode_threads or cores,
                                           thread_name_prefix="vosk")
        self.io = ThreadPoolExecutor(4, thread_name_prefix="media-io")
        self.path = media_path(self.settings)
        parts = urlsplit(self.settings.live_media_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.open_streams = 0
        self._models: dict[str, Any] = {}
        self._model_lock = threading.Lock()

    # --- app work, off the event loop ------------------------------------------------------------

    def _in_app(self, fn, *args):
        with self.app.app_context():
            return fn(*args)

    async def _io(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.io, self._in_app, fn, *args)

    @staticmethod
    def _call_state(call_sid: str) -> tuple[str, str | None] | None:
        """("live" | "ended", language), or None for a call we do not know."""
        try:
            row = db.session().execute(select(Call.status, Call.language).where(Call.sid == call_sid)).first()
        finally:
            db.session().close()
        if row is None:
            return None
        return ("ended" if Call(status=row.status).is_final else "live"), row.language

    def model_for(self, language: str | None):
        with self._model_lock:
            key = language or ""
            if key not in self._models:
                with self.app.app_context():
                    speech = need(LiveSpeech, self.app)
                    self._models[key] = speech.load_model(speech.model_path(language))
            return self._models[key]

    # --- the handshake -----------------------------------------------------------------------------

    async def check_handshake(self, connection: ServerConnection, request):
        """Refuse (before any frame) a stream Twilio did not sign, or for a call not live."""
        path = urlsplit(request.path).path
        prefix, _, call_sid = path.rpartition("/")
        if prefix != self.path or not is_call_sid(call_sid):
            return connection.respond(404, "not a media stream URL\n")
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature_is_valid(self.settings.twilio_auth_token, self.origin + request.path, {}, signature):
            log.warning("media stream refused: %s signature", "a wrong" if signature else "no",
                        extra={"call_sid": call_sid})
            return connection.respond(403, "Forbidden: invalid Twilio signature\n")
        state = await self._io(self._call_state, call_sid)
        if state is None or state[0] == "ended":
            log.warning("media stream refused: %s call", "unknown" if state is None else "ended",
                        extra={"call_sid": call_sid})
            return connection.respond(404 if state is None else 410,
                                      "unknown call\n" if state is None else "the call has ended\n")
        connection.hotline_call = (call_sid, state[1])  # type: ignore[attr-defined]
        return None

    # --- one stream --------------------------------------------------------------------------------

    async def handle(self, connection: ServerConnection) -> None:
        call_sid, language = connection.hotline_call  # type: ignore[attr-defined]
        stream = LiveStream(self, call_sid, language)
        self.open_streams += 1
        reason = "stopped"
        try:
            await stream.run(connection)
        except StreamClosed as exc:
            reason = str(exc)
            log.warning("media stream closed: %s", reason, extra={"call_sid": call_sid})
            await connection.close(CLOSE_TIMEOUT if reason.startswith("no frame") else CLOSE_POLICY, reason[:120])
        except ConnectionClosed:
            reason = "connection dropped"
            log.info("media stream dropped before stop", extra={"call_sid": call_sid})
        finally:
            try:
                await stream.end(reason)
            finally:
                self.open_streams -= 1  # after the end is written: 0 means every stream is fully closed

    async def serve(self, host: str, port: int, reuse_port: bool = False):
        return await serve(self.handle, host, port, process_request=self.check_handshake,
                           max_size=messages.MAX_FRAME_BYTES, reuse_port=reuse_port,
                           ping_interval=20, ping_timeout=20)

    def close(self) -> None:
        self.decoders.shutdown(wait=True, cancel_futures=True)
        self.io.shutdown(wait=True)


class LiveStream:
    def __init__(self, service: MediaService, call_sid: str, language: str | None) -> None:
        self.service = service
        self.call_sid = call_sid
        self.language = language
        self.sequence = StreamSequence()
        self.sequencers: dict[str, TrackSequencer] = {}
        self.recognisers: dict[str, TrackRecogniser] = {}
        self.queues: dict[str, asyncio.Queue] = {}
        self.workers: list[asyncio.Task] = []
        self.pending: dict[str, list[bytes]] = {}
        self.backlog = 0.0
        self.assist: CallAssist | None = None
        self.store_lock = asyncio.Lock()
        self.stream_sid = ""
        self.marks = 0

    async def run(self, connection: ServerConnection) -> None:
        idle = self.service.settings.live_stream_idle_seconds
        while True:
            try:
                frame = await asyncio.wait_for(connection.recv(), idle)
            except asyncio.TimeoutError:
                raise StreamClosed(f"no frame for {idle:g} s and no stop") from None
            try:
                message = messages.parse(frame)
            except BadMessage as exc:
                raise StreamClosed(f"bad message: {exc}") from None
            if not isinstance(message, messages.Connected):
                self.sequence.see(message.sequence)
            if isinstance(message, Start):
                await self._start(message)
            elif isinstance(message, Media):
                await self._media(message)
            elif isinstance(message, messages.Mark):
                self.marks += 1
            elif isinstance(message, Stop):
                if self.recognisers and message.call_sid not in ("", self.call_sid):
                    raise StreamClosed("stop for another call")
                return

    async def _start(self, start: Start) -> None:
        if self.recognisers:
            raise StreamClosed("a second start")
        if start.call_sid != self.call_sid:
            raise StreamClosed("start names another call than the one signed for")
        self.stream_sid = start.stream_sid
        loop = asyncio.get_running_loop()
        try:
            model = await loop.run_in_executor(self.service.io, self.service.model_for, self.language)
        except Exception as exc:  # no model for the language, or a damaged one: this stream only
            raise StreamClosed(f"no speech model: {exc}") from None
        speech_rules = await self.service._io(lambda: need(LiveSpeech).assist_rules(self.language))
        self.assist = CallAssist(speech_rules, self._heard, self._redact, self._numbers)
        speech = need(LiveSpeech, self.service.app)
        for track in start.tracks:
            self.recognisers[track] = TrackRecogniser(speech.recogniser(model, RATE), TRACKS[track], self.language)
            self.sequencers[track] = TrackSequencer()
            self.pending[track] = []
            self.queues[track] = asyncio.Queue()
            self.workers.append(asyncio.create_task(self._decode_track(track)))
        log.info("media stream %s started (%s)", start.stream_sid, ", ".join(start.tracks),
                 extra={"call_sid": self.call_sid})

    async def _media(self, media: Media) -> None:
        if media.track not in self.recognisers:
            raise StreamClosed(f"media before start, or for a track not started ({media.track})")
        if len(media.payload) % 2 and len(media.payload) > 1000:
            raise StreamClosed("media payload is not 8 kHz μ-law frames")
        for frame in self.sequencers[media.track].push(media.chunk, media.payload):
            self._queue(media.track, frame)

    def _queue(self, track: str, frame: bytes, flush: bool = False) -> None:
        pending = self.pending[track]
        if frame:
            pending.append(frame)
        if pending and (flush or len(pending) >= FEED_FRAMES):
            payload = b"".join(pending)
            pending.clear()
            self.backlog += len(payload) / 8000
            if self.backlog > MAX_BACKLOG_SECONDS * len(self.queues):
                raise StreamClosed(f"more than {MAX_BACKLOG_SECONDS:g} s of audio a track waiting: flooding")
            self.queues[track].put_nowait(payload)

    async def _decode_track(self, track: str) -> None:
        recogniser, queue = self.recognisers[track], self.queues[track]
        loop = asyncio.get_running_loop()
        while True:
            payload = await queue.get()
            if payload is None:
                phrases = await loop.run_in_executor(self.service.decoders, recogniser.finish)
                await self._store(phrases, track)
                return
            self.backlog -= len(payload) / 8000
            pcm = mulaw.decode(payload)
            phrases = await loop.run_in_executor(self.service.decoders, recogniser.feed, pcm)
            await self._store(phrases, track)

    # --- assist and Redis ---------------------------------------------------------------------------

    def _heard(self, turn: dict, phrases: tuple[str, ...]) -> str | None:
        return need(LiveSpeech).heard(turn, phrases, self.language)

    def _redact(self, turn: dict):
        return need(LiveSpeech).redact(turn, self.language)

    def _numbers(self, turn: dict) -> list[str]:
        return need(LiveSpeech).numbers(turn, self.language)

    async def _store(self, phrases: list[Phrase], track: str | None, extra: list[dict] = ()) -> None:
        agent = self.recognisers.get("outbound")
        heard_until = agent.heard if agent is not None else None
        if not phrases and not extra and (self.assist is None or heard_until is None or self.assist.greeted
                                          or self.assist.reminded or heard_until < self.assist.rules.greeting_seconds):
            return  # nothing to write: no thread hop, no Redis round trip
        async with self.store_lock:
            await self.service._io(self._store_now, phrases, heard_until, list(extra))

    def _store_now(self, phrases: list[Phrase], agent_heard_until: float | None, extra: list[dict]) -> None:
        entries, alerts = [], []
        if self.assist is not None:  # None before `start`: no track is decoded then, only an end written
            entries, alerts = self.assist.stream_entries(self.call_sid, phrases, agent_heard_until,
                                                         clock.now().isoformat())
        entries.extend(extra)
        keep = self.service.settings.live_transcript_hours * 3600
        transcript_store.append(get_redis(), self.call_sid, entries, keep, alerts)

    async def end(self, reason: str) -> None:
        """Decode what is left (a stop) or drop it (any other end); close every recogniser; count."""
        try:
            if reason == "stopped":
                for track in list(self.queues):
                    for frame in self.sequencers[track].flush():
                        self._queue(track, frame)
                    self._queue(track, b"", flush=True)
            for queue in self.queues.values():
                queue.put_nowait(None)
            if reason == "stopped":
                await asyncio.gather(*self.workers, return_exceptions=True)
            else:
                for worker in self.workers:
                    worker.cancel()
                await asyncio.gather(*self.workers, return_exceptions=True)
        except StreamClosed as exc:
            reason = str(exc)
        finally:
            loop = asyncio.get_running_loop()
            for recogniser in self.recognisers.values():
                # A feed may still be running in its thread: close after it, in the same pool.
                await loop.run_in_executor(self.service.decoders, recogniser.close)
        counts = {"messages": self.sequence.received, "messages_out_of_order": self.sequence.out_of_order,
                  "messages_missing": self.sequence.missing, "marks": self.marks,
                  "tracks": {TRACKS[t]: asdict(s.counts) for t, s in self.sequencers.items()}}
        try:
            await self._store([], None, [{"type": "end", "reason": reason, "stream_sid": self.stream_sid,
                                          "counts": counts}])
        except Exception:  # Redis down: the transcript misses its end marker, the service goes on
            log.exception("could not record the end of a media stream", extra={"call_sid": self.call_sid})
        log.info("media stream %s ended (%s): %s", self.stream_sid, reason, counts, extra={"call_sid": self.call_sid})
