"""One Vosk recogniser per track of a live stream, and the count of those alive in this process.

A recogniser holds Kaldi's decoding state (a few MB); every one made is closed exactly once, when its
stream ends for any reason (stop, time-out, garbage, a dropped connection), and `alive()` says how
many exist now: the leak check of tests/live and the media service's own log line.
"""
from __future__ import annotations

import threading

from live.phrases import Phrase, PhraseAssembler

RATE = 8000
BYTES_PER_SECOND = RATE * 2          # 16-bit PCM after μ-law decoding
PARTIAL_EVERY_SECONDS = 0.3          # a partial result at most this often per track (each costs a search)

_lock = threading.Lock()
_alive = 0


def alive() -> int:
    return _alive


def _count(change: int) -> None:
    global _alive
    with _lock:
        _alive += change


class TrackRecogniser:
    """Feeds one track's PCM to its recogniser; returns the phrases each piece completes.

    Not thread-safe: one track's feeds run one after another (the media service gives each track its
    own ordered queue), while different tracks decode in parallel threads: Kaldi releases the GIL in
    AcceptWaveform."""

    def __init__(self, recogniser, speaker: str, language: str | None) -> None:
        """`recogniser`: a new Vosk recogniser at RATE with word times (`LiveSpeech.recogniser`)."""
        self._recogniser = recogniser
        _count(+1)
        self.assembler = PhraseAssembler(speaker, language)
        self.heard = 0.0           # seconds of this track decoded
        self._partial_at = 0.0

    def feed(self, pcm: bytes) -> list[Phrase]:
        recogniser = self._recogniser
        if recogniser is None:
            return []
        self.heard += len(pcm) / BYTES_PER_SECOND
        if recogniser.AcceptWaveform(pcm):
            phrase = self.assembler.final(recogniser.Result(), self.heard)
            return [phrase] if phrase else []
        if self.heard - self._partial_at >= PARTIAL_EVERY_SECONDS:
            self._partial_at = self.heard
            phrase = self.assembler.partial(recogniser.PartialResult(), self.heard)
            return [phrase] if phrase else []
        return []

    def finish(self) -> list[Phrase]:
        """The last words (the stream stopped mid-utterance), then closes."""
        if self._recogniser is None:
            return []
        phrase = self.assembler.final(self._recogniser.FinalResult(), self.heard)
        self.close()
        return [phrase] if phrase else []

    def close(self) -> None:
        if self._recogniser is not None:
            self._recogniser = None  # the last reference: Kaldi's state is freed here
            _count(-1)
