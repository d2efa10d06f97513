"""The customer's preferred contact time (the customer file's 方便联系的时间), read for scheduling.

The field is free text an agent typed: "09:00-12:00", "下午", "工作日晚上", "weekday evenings",
"周末 10点-12点". What can be read becomes a `PreferredTime`; what cannot is ignored (None), so an
odd note never stops a revisit, it only loses the preference. Pure: no Flask or database.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ANY_DAY, WORKDAYS, WEEKENDS = "any", "workdays", "weekends"
# Parts of the day as the manuals' customers say them; calling hours still bound every one.
PARTS_OF_DAY = (
    (("上午", "早上", "morning", "mornings"), (9 * 60, 12 * 60)),
    (("中午", "noon", "lunch", "lunchtime"), (12 * 60, 14 * 60)),
    (("下午", "afternoon", "afternoons"), (14 * 60, 18 * 60)),
    (("晚上", "傍晚", "evening", "evenings"), (18 * 60, 21 * 60)),
)
DAY_WORDS = ((("工作日", "周一至周五", "weekday", "weekdays", "workday", "workdays"), WORKDAYS),
             (("周末", "双休日", "weekend", "weekends"), WEEKENDS))
_CLOCK = r"(\d{1,2})(?:[:点时](\d{2})?分?)?"
_RANGE = re.compile(_CLOCK + r"\s*(?:-|~|—|至|到|to)\s*" + _CLOCK)


@dataclass(frozen=True)
class PreferredTime:
    """Spans of the day (minutes after local midnight, end exclusive) on which days."""

    spans: tuple[tuple[int, int], ...]
    days: str = ANY_DAY


def _minutes(hour: str, minute: str | None) -> int | None:
    h, m = int(hour), int(minute or 0)
    return h * 60 + m if 0 <= h <= 24 and 0 <= m < 60 and h * 60 + m <= 24 * 60 else None


def read_contact_time(text: str | None) -> PreferredTime | None:
    """The preference in `text`, or None when it names no time of day we can read."""
    if not text:
        return None
    plain = unicodedata.normalize("NFKC", text).lower()
    spans: list[tuple[int, int]] = []
    for match in _RANGE.finditer(plain):
        start, end = _minutes(match[1], match[2]), _minutes(match[3], match[4])
        if start is not None and end is not None and start < end:
            spans.append((start, end))
    for words, span in PARTS_OF_DAY:
        if any(re.search(rf"(?<![a-z]){word}(?![a-z])", plain) for word in words) and span not in spans:
            spans.append(span)
    days = next((kind for words, kind in DAY_WORDS if any(word in plain for word in words)), ANY_DAY)
    if not spans and days == ANY_DAY:
        return None
    return PreferredTime(tuple(sorted(spans)) or ((0, 24 * 60),), days)
