"""Phone numbers in one form (E.164), so one caller is one customer however the number was typed.

Pure logic: no Flask, no database. Chinese numbers arrive as "+8613800138000", "8613800138000",
"13800138000", "010-6552 9988" or "0086 138..."; all become "+8613800138000" style E.164.
"""
from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().]")


class InvalidPhone(ValueError):
    """The text is not a phone number we can dial; the message says why."""


def normalise_phone(raw: str | None, default_country: str = "86") -> str:
    """Return `raw` as E.164 ("+<country><number>", 8 to 15 digits after the plus).

    A number without a country code is taken to be domestic in `default_country`; in China a
    leading trunk "0" (area codes: 010, 021...) is dropped and mobile numbers are 11 digits
    starting with 1.
    """
    if raw is None:
        raise InvalidPhone("a phone number is required")
    text = _SEPARATORS.sub("", str(raw).strip())
    if not text:
        raise InvalidPhone("a phone number is required")
    if text.startswith("00"):
        text = "+" + text[2:]
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    if not digits.isdigit():
        raise InvalidPhone(f"{raw!r} has characters other than digits")
    country = default_country.lstrip("+")
    if plus:
        full = digits
    elif country == "86" and digits.startswith("86") and len(digits) >= 12:
        full = digits  # 86 13800138000: a country code typed without the plus
    elif digits.startswith("0"):
        full = country + digits.lstrip("0")
    else:
        full = country + digits
    if full.startswith("86"):
        _check_chinese(full[2:], raw)
    if not 8 <= len(full) <= 15:
        raise InvalidPhone(f"{raw!r} is not a complete phone number")
    return "+" + full


def _check_chinese(national: str, raw: str) -> None:
    if national.startswith("0"):
        national = national[1:]
    if national.startswith("1") and national[:2] not in {"10"}:
        if len(national) != 11:
            raise InvalidPhone(f"{raw!r}: a Chinese mobile number has 11 digits")
    elif not 9 <= len(national) <= 11:
        raise InvalidPhone(f"{raw!r}: a Chinese landline is an area code and 7-8 digits")


def try_normalise(raw: str | None, default_country: str = "86") -> str | None:
    """E.164, or None for what cannot be a customer's number (anonymous, client:alice, sip:...)."""
    try:
        return normalise_phone(raw, default_country)
    except InvalidPhone:
        return None
