"""Putting one track's media frames back in order. Pure.

Twilio numbers each track's frames (`chunk`, from 1) and every message of a stream
(`sequenceNumber`). Frames can arrive out of order or not at all (the WebSocket is TCP, but Twilio's
own media path is not); the recogniser must hear the audio in order and with its gaps, or word
times drift. A frame is held until the frames before it arrived or `window` later frames did; a
frame still missing then is heard as silence of the same length, and one arriving after that is
dropped. Everything is counted for the stream's statistics.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hotline.mulaw import SILENCE

FRAME_BYTES = 160  # 20 ms of 8 kHz μ-law, Twilio's frame
FRAME_SECONDS = 0.02


@dataclass
class TrackCounts:
    frames: int = 0        # frames received
    reordered: int = 0     # arrived after a frame numbered higher
    missing: int = 0       # never arrived in time: heard as silence
    late: int = 0          # arrived after being given up for missing: dropped
    duplicates: int = 0
    # [start, end] seconds of the track heard as silence for missing frames, so the recording can
    # be decoded there and nowhere else (transcription/gap_fill.py)
    gaps: list[list[float]] = field(default_factory=list)

    def give_up(self, chunk: int) -> None:
        self.missing += 1
        start, end = round((chunk - 1) * FRAME_SECONDS, 2), round(chunk * FRAME_SECONDS, 2)
        if self.gaps and self.gaps[-1][1] == start:
            self.gaps[-1][1] = end
        else:
            self.gaps.append([start, end])


class TrackSequencer:
    def __init__(self, window: int = 10) -> None:
        self.window = window
        self.next_chunk = 1
        self.highest = 0
        self.held: dict[int, bytes] = {}
        self.given_up: set[int] = set()
        self.counts = TrackCounts()

    def push(self, chunk: int, payload: bytes) -> list[bytes]:
        """The frames now playable in order (silence for those given up), after receiving `chunk`."""
        counts = self.counts
        if chunk < self.next_chunk:
            if chunk in self.given_up:
                counts.late += 1
            else:
                counts.duplicates += 1
            return []
        if chunk in self.held:
            counts.duplicates += 1
            return []
        counts.frames += 1
        if chunk < self.highest:
            counts.reordered += 1
        self.highest = max(self.highest, chunk)
        self.held[chunk] = payload
        return self._release(final=False)

    def flush(self) -> list[bytes]:
        """At the stream's end: everything held, in order, gaps as silence."""
        return self._release(final=True)

    def _release(self, final: bool) -> list[bytes]:
        out = []
        while self.held:
            if self.next_chunk in self.held:
                out.append(self.held.pop(self.next_chunk))
            elif final or self.highest - self.next_chunk >= self.window:
                self.counts.give_up(self.next_chunk)
                self.given_up.add(self.next_chunk)
                out.append(bytes([SILENCE]) * FRAME_BYTES)
            else:
                break
            self.next_chunk += 1
        return out


class StreamSequence:
    """The stream-wide `sequenceNumber`: out-of-order and missing messages, counted."""

    def __init__(self) -> None:
        self.highest = 0
        self.received = 0
        self.out_of_order = 0

    def see(self, number: int | None) -> None:
        if number is None:
            return
        self.received += 1
        if number < self.highest:
            self.out_of_order += 1
        self.highest = max(self.highest, number)

    @property
    def missing(self) -> int:
        return max(0, self.highest - self.received)
