"""How large a recording's file may be, from its duration: checked while it downloads.

Twilio records calls as 8 kHz 16-bit WAV, at most two channels (`record-from-answer-dual`), so a
recording of N seconds is about N × 32,000 bytes. The cap allows a margin over that (the duration in
the callback is whole seconds, and a WAV has a header), and never more than RECORDING_MAX_MB, which
also applies when the duration is unknown. Pure: no Flask or database.
"""
from __future__ import annotations

BYTES_PER_SECOND = 8000 * 2 * 2  # 8 kHz × 16-bit × two channels
SLACK_SECONDS = 2  # RecordingDuration is rounded to whole seconds
MARGIN = 1.10
HEADER_BYTES = 64 * 1024


def max_download_bytes(duration_seconds: int | None, absolute_max_bytes: int) -> int:
    """The most bytes a recording of `duration_seconds` may have (None: only the absolute cap)."""
    if duration_seconds is None or duration_seconds < 0:
        return absolute_max_bytes
    expected = (duration_seconds + SLACK_SECONDS) * BYTES_PER_SECOND * MARGIN + HEADER_BYTES
    return min(absolute_max_bytes, int(expected))
