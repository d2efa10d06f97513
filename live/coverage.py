"""A call's live transcript as its QA transcript (hotline.contracts.LiveTranscripts).

When the stream heard the whole conversation, decoding the recording again after hang-up would spend
a core for as long again to get the same words; transcription asks here first. A stream is trusted
only if it ended with Twilio's `stop` (not a dropped connection or a timeout) and both tracks were
streamed. Frames lost on the way were heard as silence: where, is said as the stream's gaps, and
transcription decodes the recording there only. A stream from before gaps were recorded, with frames
missing, cannot say where and is not used. Transcription also compares its seconds with the
recording's, so a stream started late or stopped early (a transfer) is decoded as before.
"""
from __future__ import annotations

from typing import Any

from flask import current_app

from hotline.contracts import LiveCoverage
from hotline.redis_client import get_redis
from live import transcript_store
from live.messages import TRACKS
from live.sequencing import FRAME_SECONDS


class LiveTranscriptsFromRedis:
    """hotline.contracts.LiveTranscripts, read from the call's stream in Redis."""

    def covering(self, call_sid: str) -> LiveCoverage | None:
        if not current_app.config["HOTLINE_SETTINGS"].live_media_url:
            return None  # no call is streamed: nothing to read
        return coverage(transcript_store.read_call(get_redis(), call_sid))


def coverage(entries: list[tuple[str, dict[str, Any]]]) -> LiveCoverage | None:
    """The final phrases of a stream that covered its call, as turns; None if it did not."""
    end = next((entry for _id, entry in reversed(entries) if entry.get("type") == "end"), None)
    if end is None or end.get("reason") != "stopped":
        return None
    tracks = (end.get("counts") or {}).get("tracks") or {}
    if set(tracks) != set(TRACKS.values()) or any(t.get("missing") and "gaps" not in t for t in tracks.values()):
        return None
    finals: dict[tuple[str, int], dict[str, Any]] = {}
    for _id, entry in entries:
        if entry.get("type") == "phrase" and entry.get("final"):
            finals[(entry["speaker"], entry["index"])] = entry
    turns = sorted((_turn(p) for p in finals.values()), key=lambda t: (t["start"], t["speaker"]))
    # What the recogniser heard: the frames received and the silence put in for those lost (a late
    # frame, given up already, was dropped and is inside a gap).
    seconds = min(t.get("frames", 0) + t.get("missing", 0) for t in tracks.values()) * FRAME_SECONDS
    gaps = sorted(tuple(gap) for t in tracks.values() for gap in t.get("gaps") or ())  # both tracks' (may overlap)
    return LiveCoverage(tuple(turns), round(seconds, 2), tuple(gaps))


def _turn(phrase: dict[str, Any]) -> dict[str, Any]:
    """transcription's turn shape (speaker, start, end, text, words, confidence)."""
    words = phrase.get("words") or [{"w": phrase["text"], "start": phrase["start"], "end": phrase["end"], "conf": 1.0}]
    confidence = sum(w.get("conf", 1.0) for w in words) / len(words)
    return {"speaker": phrase["speaker"], "start": phrase["start"], "end": phrase["end"], "text": phrase["text"],
            "words": [dict(w) for w in words], "confidence": round(confidence, 3)}
