"""How many wrong ticket numbers or last-four digits a caller's number may try, counted in Redis.

Ticket numbers are a date and a sequence, easy to guess; the last four digits of a number are one
in ten thousand. Counting wrong tries per calling number (across calls, for an hour) stops a
stranger from walking the numbers or the digits. If Redis cannot count, nobody gets to guess:
self-service status fails closed and the caller is handed to a person.
"""
from __future__ import annotations

import hashlib
import logging

import redis

from hotline import rate_limit

log = logging.getLogger(__name__)
WRONG_GUESSES_ALLOWED = 5
GUESS_WINDOW_SECONDS = 3600
KEY_PREFIX = "ivr:ticket-guesses:"


def _key(caller: str) -> str:
    # Hashed: the key names no caller's number; "" (withheld numbers) share one count.
    return KEY_PREFIX + hashlib.sha256(caller.strip().encode()).hexdigest()[:24]


def may_guess(caller: str) -> bool:
    """False once the caller's number used up its wrong tries in the window (or Redis cannot tell)."""
    try:
        used = rate_limit.used(_key(caller))
    except redis.RedisError:
        log.warning("cannot read the ticket-guess count; ticket status self-service refused for this caller")
        return False
    return used < WRONG_GUESSES_ALLOWED


def count_wrong_guess(caller: str) -> bool:
    """Count one wrong ticket number or last-four try; True while the caller may still guess."""
    try:
        verdict = rate_limit.hit(_key(caller), WRONG_GUESSES_ALLOWED - 1, GUESS_WINDOW_SECONDS)
    except redis.RedisError:
        log.warning("cannot count a wrong ticket guess; ticket status self-service refused for this caller")
        return False
    return verdict.allowed
