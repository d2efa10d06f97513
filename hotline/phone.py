"""Phone numbers in one form (E.164), so one caller is one customer however the number was typed.

The one place a number is parsed and checked, wherever it enters (the API, customer edits, the
IVR's From when stored, outbound calls and SMS): Google's libphonenumber rules (the `phonenumbers`
package) know each country's lengths and prefixes, which a hand-written check cannot keep up with
(it took "+²²²²²²²²" for a number, since "²".isdigit() is true). Pure logic: no Flask, no database.
Chinese numbers arrive as "+8613800138000", "8613800138000", "13800138000", "010-6552 9988" or
"0086 138..."; all become "+8613800138000".
"""
from __future__ import annotations

import phonenumbers

MAX_INPUT = 40  # longer than any number written with separators; more is not a phone number


class InvalidPhone(ValueError):
    """The text is not a phone number we can dial; the message says why."""


def _region(default_country: str) -> str:
    return phonenumbers.region_code_for_country_code(int(default_country.lstrip("+") or 0))


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(raw: str | None, default_country: str = "86") -> str:
    """Return `raw` as E.164 if it is a valid number; a number without a country code is taken to be
    domestic in `default_country` (a calling code like "86")."""
    if raw is None or not str(raw).strip():
        raise InvalidPhone("a phone number is required")
    text = str(raw).strip()
    if len(text) > MAX_INPUT:
        raise InvalidPhone(f"{text[:MAX_INPUT]!r}... is too long for a phone number")
    if any(ch.isalpha() for ch in text):
        # libphonenumber reads letters as keypad digits (1-800-FLOWERS); a customer's number has none.
        raise InvalidPhone(f"{raw!r} has characters other than digits")
    country = default_country.lstrip("+")
    number = _parse(text, _region(country))
    if number is None and not text.startswith("+") and text.startswith(country):
        number = _parse("+" + text, _region(country))  # 86 13800138000: the country code without its plus
    if number is None:
        raise InvalidPhone(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalise(raw: str | None, default_country: str = "86") -> str | None:
    """E.164, or None for what cannot be a customer's number (anonymous, client:alice, sip:...)."""
    try:
        return normalise_phone(raw, default_country)
    except InvalidPhone:
        return None


def warm(default_country: str = "86") -> None:
    """Compile the country's patterns now and keep them: libphonenumber compiles a pattern on its first
    use and then relies on `re`'s cache of 512, which the rest of the app churns through, so a
    worker's first lookup (and any after an eviction) paid 10 ms or more to compile them again."""
    phonenumbers.enable_pattern_cache()
    region = _region(default_country.lstrip("+"))
    for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is not None:
            phonenumbers.is_valid_number(example)
