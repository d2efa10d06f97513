"""Twilio's own parameters, checked once for every webhook with the shared parsers (hotline.params).

A request signed with our token but carrying `CallDuration=²` was not made by Twilio (its token's
holder, or a proxy, sent it): it gets a 400 naming the parameter, where it used to reach a view,
raise there and be answered 200 with an apology. Parameters not listed are passed through
untouched (Twilio adds new ones; unknown ones must not break us).
"""
from __future__ import annotations

import re
from typing import Mapping

from hotline.api.errors import abort_json
from hotline.params import whole_number

LONGEST = 2 ** 31 - 1
# name -> (minimum, maximum)
WHOLE_NUMBERS = {
    "CallDuration": (0, LONGEST), "DialCallDuration": (0, LONGEST), "RecordingDuration": (-1, LONGEST),
    "RecordingChannels": (1, 64), "QueuePosition": (0, LONGEST), "QueueTime": (0, LONGEST),
    "AvgQueueTime": (0, LONGEST), "CurrentQueueSize": (0, LONGEST), "MaxQueueSize": (0, LONGEST),
    "NumMedia": (0, 100), "NumSegments": (0, 100), "SequenceNumber": (0, LONGEST), "ErrorCode": (0, 99999),
}
# Whole numbers our own TwiML puts in callback URLs (agent and offer ids, attempt counters...):
# signed, so only we or Twilio made them, but bounded all the same so no id overflows a column.
OUR_QUERY_NUMBERS = ("agent", "offer", "revisit", "attempt", "tries", "misses", "priority")
# Key presses (0-9 * #, "w" waits), or "hangup" when the caller hung up during <Record>.
_DIGITS = re.compile(r"[0-9*#w]{0,64}|hangup")
_CONFIDENCE = re.compile(r"(0|1)(\.[0-9]{1,12})?|\.[0-9]{1,12}")


def check_twilio_params(form: Mapping[str, str], query: Mapping[str, str]) -> None:
    """400 (ApiError) naming the first of Twilio's parameters that is not what Twilio sends."""
    # `in` first: a missing key costs Werkzeug's MultiDict.get an exception, and most are missing.
    for name in OUR_QUERY_NUMBERS:
        if name in query:
            whole_number(query[name], name, None, -LONGEST - 1, LONGEST)
    for name, (low, high) in WHOLE_NUMBERS.items():
        if name in form:
            whole_number(form[name], name, None, low, high)
    digits = form["Digits"] if "Digits" in form else None
    if digits is not None and not _DIGITS.fullmatch(digits):
        abort_json(400, f"Digits: expected key presses (0-9, *, #), got {digits[:40]!r}")
    confidence = form["Confidence"] if "Confidence" in form else None
    if confidence and not (_CONFIDENCE.fullmatch(confidence) and float(confidence) <= 1):
        abort_json(400, f"Confidence: expected a number from 0 to 1, got {confidence[:40]!r}")
