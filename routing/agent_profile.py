"""Checking an agent's profile as sent to the API: address, skills, languages."""
from __future__ import annotations

import re
from typing import Any

from hotline.twiml import LANGUAGES
from hotline.phone import try_normalise

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
CLIENT = re.compile(r"^client:[A-Za-z0-9_.@-]{1,121}$")
SIP = re.compile(r"^sips?:[^@\s]+@[^\s]+$")
SKILL_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class ProfileError(ValueError):
    """`field: what is wrong`, for a 422."""


def check_profile(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """The valid profile fields of `data` (all required unless `partial`)."""
    out: dict[str, Any] = {}
    if "name" in data or not partial:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 120:
            raise ProfileError("name: required, 1-120 characters")
        out["name"] = name.strip()
    if "address" in data or not partial:
        address = data.get("address")
        if isinstance(address, str) and not (CLIENT.match(address) or SIP.match(address)):
            # An E.164 number that libphonenumber finds valid (an agent's line is configured, not typed
            # by a caller, so no national forms).
            address = try_normalise(address) if E164.match(address) else None
        if not isinstance(address, str):
            raise ProfileError("address: expected a valid E.164 number (+8613800138000), client:<identity> "
                               "or a sip: URI")
        out["address"] = address
    if "skills" in data or not partial:
        skills = data.get("skills")
        if not isinstance(skills, dict) or not skills:
            raise ProfileError('skills: expected an object of skill to level 1-5, e.g. {"inquiry": 4}')
        for skill, level in skills.items():
            if not SKILL_NAME.match(str(skill)):
                raise ProfileError(f"skills.{skill}: skill names are lowercase words")
            if isinstance(level, float) and level.is_integer():
                level = skills[skill] = int(level)  # JSON's 2.0 is the integer 2
            if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
                raise ProfileError(f"skills.{skill}: level must be a whole number 1-5, got {level!r}")
        out["skills"] = dict(skills)
    if "languages" in data or not partial:
        languages = data.get("languages")
        if (not isinstance(languages, list) or not languages
                or any(lang not in LANGUAGES for lang in languages) or len(set(languages)) != len(languages)):
            raise ProfileError(f"languages: expected a list from {', '.join(LANGUAGES)}")
        out["languages"] = list(languages)
    return out
