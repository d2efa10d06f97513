"""Checking a password at sign-in: rate limits, then the lock-out rule, then Argon2.

The order matters. Rate limits (per address and per typed login, in Redis) are counted first and
cost one round trip, so a flood never reaches the database or the CPU-heavy hash. The lock-out
attempt is then claimed in the database (people/attempts.py) and committed by the view before
the password is checked, so parallel guesses cannot all be checked against the same "4 failures".
Unknown logins follow the same steps with a counter in Redis, so neither the answers nor their
timing tell which logins exist.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from flask import current_app
from prometheus_client import Counter
from sqlalchemy.orm import Session

from people import attempts, lockout
from people.i18n import translate
from people.models import User
from people.passwords import hash_password, needs_rehash, verify_password
from hotline.clock import now
from hotline.rate_limit import hit
from hotline.redis_client import get_redis

log = logging.getLogger(__name__)
PASSWORD_CHECKS = Counter("hotline_signin_password_checks_total",
                          "Passwords checked with Argon2 at sign-in: right, wrong, or unknown login", ["outcome"])


def policy() -> lockout.LockoutPolicy:
    settings = current_app.config["HOTLINE_SETTINGS"]
    return lockout.LockoutPolicy(settings.signin_max_attempts, settings.signin_lock_minutes)


def _digest(login: str) -> str:
    # People type passwords into the login field; keys hold a digest, never what was typed.
    return hashlib.sha256(login.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def rate_limited(address: str | None, login: str) -> int | None:
    """Seconds to wait when this address or this login has tried too often in the window, else None."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    window = settings.signin_rate_window_seconds
    for key, limit in ((f"hotline:signin:rate:address:{address or 'unknown'}", settings.signin_rate_per_address),
                       (f"hotline:signin:rate:login:{_digest(login)}", settings.signin_rate_per_account)):
        verdict = hit(key, limit, window)
        if not verdict.allowed:
            return verdict.retry_after
    return None


def begin_check(session: Session, user: User) -> lockout.AttemptState | None:
    """Claim one attempt for `user` (None: locked). The caller commits before `finish_check`."""
    return attempts.claim_attempt(session, user, now(), policy())


def finish_check(session: Session, user: User, password: str, claim: lockout.AttemptState | None) -> str | None:
    """None when `password` is right and the attempt was allowed; otherwise what to tell the person."""
    at = now()
    if claim is None:
        locked_until = attempts.current_state(session, user).locked_until
        return translate("signin.locked", minutes=_minutes_left(locked_until, at))
    if not verify_password(user.password_hash, password):
        PASSWORD_CHECKS.labels("wrong").inc()
        if lockout.is_locked(claim, at):  # this attempt was the last one allowed
            log.warning("account locked after wrong passwords", extra={"login": user.login})
            return translate("signin.locked", minutes=_minutes_left(claim.locked_until, at))
        return translate("signin.wrong")
    PASSWORD_CHECKS.labels("right").inc()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    attempts.clear_attempts(session, user)
    return None


def check_unknown_login(login: str, password: str) -> str:
    """Unknown logins lock exactly like real ones, so the lock message reveals no logins."""
    rules = policy()
    key = f"hotline:signin:unknown:{_digest(login)}"
    verdict = hit(key, rules.max_attempts, rules.lock_minutes * 60)
    if not verdict.allowed:
        return translate("signin.locked", minutes=max(1, -(-verdict.retry_after // 60)))
    verify_password(None, password)  # the cost of a real check: timing reveals no logins
    PASSWORD_CHECKS.labels("unknown").inc()
    if verdict.count < rules.max_attempts:
        return translate("signin.wrong")
    get_redis().expire(key, rules.lock_minutes * 60)  # the lock runs from this failure, as a real account's
    return translate("signin.locked", minutes=rules.lock_minutes)


def _minutes_left(until: datetime | None, at: datetime) -> int:
    if until is None or until <= at:  # unlocked or ran out meanwhile; the next try will say
        return 1
    return max(1, -(-int((until - at).total_seconds()) // 60))
