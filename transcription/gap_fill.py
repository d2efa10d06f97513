"""A live transcript with gaps, completed from the recording where (and only where) it had them. Pure.

The media service hears a lost frame as silence, so a phrase said across a gap is missing words or
was never finalised. Decoding just the gaps' seconds could cut a word in two and leave the live
half-phrase beside the decoded half: a window is therefore widened to cover every live turn it
touches (either speaker's: both channels are decoded over it), plus a little margin, until no live
turn straddles its edge. The live turns inside are dropped and the recording's turns in the window
take their place, so every second of the call is transcribed exactly once.
"""
from __future__ import annotations

from typing import Any, Iterable

MARGIN_SECONDS = 0.5  # Vosk's endpointing needs a little silence either side to close a phrase


def merge_spans(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping or touching spans as one, in order."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def decode_windows(turns: list[dict[str, Any]], gaps: Iterable[tuple[float, float]],
                   total_seconds: float) -> list[tuple[float, float]]:
    """The recording's spans to decode: each gap widened by the margin and by the live turns it
    touches, repeatedly (a widened window may touch another turn), within [0, total_seconds]."""
    windows = merge_spans((max(0.0, a - MARGIN_SECONDS), min(total_seconds, b + MARGIN_SECONDS)) for a, b in gaps)
    while True:
        widened = merge_spans(
            [(min([a] + [t["start"] for t in turns if _touches(t, a, b)]),
              max([b] + [t["end"] for t in turns if _touches(t, a, b)])) for a, b in windows])
        widened = [(max(0.0, a), min(total_seconds, b)) for a, b in widened]
        if widened == windows:
            return windows
        windows = widened


def fill(turns: list[dict[str, Any]], windows: list[tuple[float, float]],
         decoded: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The live turns outside the windows, with each window's decoded turns (already on the
    recording's clock) in their place, in the order they started."""
    kept = [t for t in turns if not any(_touches(t, a, b) for a, b in windows)]
    return sorted(kept + [t for found in decoded for t in found], key=lambda t: (t["start"], t["speaker"]))


def shifted(turns: list[dict[str, Any]], seconds: float) -> list[dict[str, Any]]:
    """Turns moved `seconds` later (a window's turns onto the recording's clock)."""
    return [{**t, "start": round(t["start"] + seconds, 2), "end": round(t["end"] + seconds, 2),
             "words": [{**w, "start": round(w["start"] + seconds, 2), "end": round(w["end"] + seconds, 2)}
                       for w in t["words"]]} for t in turns]


def _touches(turn: dict[str, Any], start: float, end: float) -> bool:
    return turn["start"] < end and turn["end"] > start
