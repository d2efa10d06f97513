"""A short, quiet hold-music segment, synthesised so the product ships no audio files.

Waiting callers hear it between announcements; each segment is short so a caller is told of a
free agent, or offered a callback, within seconds.
"""
from __future__ import annotations

import functools
import io
import math
import struct
import wave

RATE = 8000  # telephone audio
SECONDS_PER_NOTE = 0.5
# A slow C-major arpeggio, twice round.
NOTES_HZ = (261.63, 329.63, 392.00, 523.25, 392.00, 329.63, 261.63, 196.00) * 2


@functools.lru_cache(maxsize=1)
def hold_segment_wav() -> bytes:
    frames = bytearray()
    per_note = int(RATE * SECONDS_PER_NOTE)
    for hz in NOTES_HZ:
        for i in range(per_note):
            envelope = math.sin(math.pi * i / per_note)  # fade each note in and out: no clicks
            sample = 0.18 * envelope * math.sin(2 * math.pi * hz * i / RATE)
            frames += struct.pack("<h", int(sample * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def segment_seconds() -> float:
    return len(NOTES_HZ) * SECONDS_PER_NOTE
