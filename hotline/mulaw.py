"""G.711 μ-law, the encoding of Twilio's Media Streams (8 kHz mono, one byte a sample). Pure.

Shared by the media service (live/, decoding what Twilio sends) and the sandbox (encoding what it
streams), so both sides agree on one table; Python's `audioop` is gone in 3.13.
"""
from __future__ import annotations

from array import array

SILENCE = 0xFF  # μ-law for 0: what a missing 20 ms frame is filled with
_BIAS = 0x84
_SEGMENT_ENDS = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)


def _decode(byte: int) -> int:
    u = ~byte & 0xFF
    magnitude = ((((u & 0x0F) << 3) + _BIAS) << ((u >> 4) & 0x07)) - _BIAS
    return -magnitude if u & 0x80 else magnitude


def _encode(sample: int) -> int:
    # G.711's reference (as Sun's g711.c and Python's audioop): 14-bit magnitude, segment, mantissa.
    value, mask = (sample >> 2, 0xFF) if sample >= 0 else (-(sample >> 2), 0x7F)
    value = min(value, 8159) + 0x21
    segment = next((i for i, end in enumerate(_SEGMENT_ENDS) if value <= end), 8)
    if segment >= 8:
        return 0x7F ^ mask
    return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask


# Each μ-law byte's 16-bit little-endian sample, so decoding is one join (no per-sample arithmetic).
_PCM = [array("h", [_decode(b)]).tobytes() for b in range(256)]
_ULAW = bytes(_encode(s) for s in range(-32768, 32768))


def decode(payload: bytes) -> bytes:
    """μ-law bytes -> 16-bit little-endian PCM (twice as long)."""
    return b"".join(map(_PCM.__getitem__, payload))


def encode(pcm: bytes) -> bytes:
    """16-bit little-endian PCM -> μ-law bytes (half as long); a trailing odd byte is dropped."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    return bytes(_ULAW[s + 32768] for s in samples)
