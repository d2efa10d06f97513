"""Twilio-shaped identifiers (CA..., RE..., SM...): a two-letter prefix and 32 hex digits."""
from __future__ import annotations

import secrets


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)
