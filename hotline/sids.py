"""Twilio's resource ids: two letters and 32 lowercase hex digits (`RE…` a recording, `CA…` a call).

A sid that does not match is refused where it enters (a webhook answers 400 and writes nothing), so
no sid from outside ever reaches a file name, an RQ job id or a REST URL unchecked.
"""
from __future__ import annotations

import re

RECORDING_SID = re.compile(r"RE[0-9a-f]{32}")
CALL_SID = re.compile(r"CA[0-9a-f]{32}")


def is_recording_sid(value: str) -> bool:
    return RECORDING_SID.fullmatch(value) is not None


def is_call_sid(value: str) -> bool:
    return CALL_SID.fullmatch(value) is not None
