"""Recordings the sandbox hands out: 8 kHz 16-bit PCM WAV, one channel per call leg, like Twilio's.

A party's channel carries the audio file its script names (any WAV, converted to 8 kHz mono) or,
without one, a soft tone in bursts so the channel is recognisably that party's and not silent.
"""
from __future__ import annotations

import io
import math
import wave
from array import array
from functools import lru_cache

RATE = 8000
# Each party's tone when their script has no audio file: callers low, agents high.
CALLER_TONE, AGENT_TONE = 440.0, 660.0


def tone(seconds: float, frequency: float, rate: int = RATE, level: int = 6000) -> array:
    """Bursts of a sine tone: one second on, one second off (speech-like, not continuous)."""
    cycle = array("h", (int(level * math.sin(2 * math.pi * frequency * n / rate)) for n in range(rate)))
    cycle.extend(array("h", bytes(2 * rate)))
    total = int(seconds * rate)
    return (cycle * (total // len(cycle) + 1))[:total]


@lru_cache(maxsize=32)
def _load(path: str) -> array:
    with wave.open(path, "rb") as wav:
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError(f"{path}: only 16-bit PCM WAV files can be used as call audio")
    frames = array("h", raw)
    mono = frames if channels == 1 else array("h", (
        sum(frames[i:i + channels]) // channels for i in range(0, len(frames), channels)))
    if rate == RATE:
        return mono
    # Linear interpolation is enough for narrowband speech a recogniser will downsample anyway.
    out_len = int(len(mono) * RATE / rate)
    out = array("h", bytes(2 * out_len))
    step = rate / RATE
    for i in range(out_len):
        pos = i * step
        j = int(pos)
        frac = pos - j
        nxt = mono[j + 1] if j + 1 < len(mono) else mono[j]
        out[i] = int(mono[j] * (1 - frac) + nxt * frac)
    return out


def channel(seconds: float, audio: str | None, frequency: float) -> array:
    """`seconds` of one party's audio: their file (cut or padded with silence) or a tone."""
    length = int(round(seconds * RATE))
    if audio:
        samples = array("h", _load(audio)[:length])
        samples.extend(array("h", bytes(2 * (length - len(samples)))))
        return samples
    return tone(length / RATE, frequency)


def mix(channels: list[array]) -> array:
    """Both parties on one channel, as a mono call recording has them."""
    length = max(len(c) for c in channels)
    mixed = array("h", bytes(2 * length))
    for samples in channels:
        for n, value in enumerate(samples):
            mixed[n] = max(-32768, min(32767, mixed[n] + value))
    return mixed


def wav_bytes(channels: list[array], rate: int = RATE) -> bytes:
    length = max((len(c) for c in channels), default=0)
    interleaved = array("h", bytes(2 * length * len(channels)))
    for index, samples in enumerate(channels):
        interleaved[index::len(channels)] = samples + array("h", bytes(2 * (length - len(samples))))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(len(channels))
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(interleaved.tobytes())
    return buffer.getvalue()
