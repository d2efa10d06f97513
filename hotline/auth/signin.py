"""Checking a password at sign-in, with the lock-out rule applied to the account (or to an unknown login)."""
from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app

from hotline.auth import lockout
from hotline.auth.i18n import translate
from hotline.auth.models import User
from hotline.auth.passwords import hash_password, needs_rehash, verify_password
from hotline.clock import now
from hotline.redis_client import get_redis

log = logging.getLogger(__name__)


def policy() -> lockout.LockoutPolicy:
    settings = current_app.config["HOTLINE_SETTINGS"]
    return lockout.LockoutPolicy(settings.signin_max_attempts, settings.signin_lock_minutes)


def check_password(user: User, password: str) -> str | None:
    """None when `password` is right and the account is not locked; otherwise what to tell the person."""
    at = now()
    state = lockout.AttemptState(user.failed_attempts, user.locked_until)
    if lockout.is_locked(state, at):
        return translate("signin.locked", minutes=_minutes_left(user.locked_until, at))
    if not verify_password(user.password_hash, password):
        state = lockout.after_failure(state, at, policy())
        user.failed_attempts, user.locked_until = state.failed_attempts, state.locked_until
        if lockout.is_locked(state, at):
            log.warning("account locked after wrong passwords", extra={"login": user.login})
            return translate("signin.locked", minutes=_minutes_left(state.locked_until, at))
        return translate("signin.wrong")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until = 0, None
    return None


def unknown_login_failure(login: str) -> str:
    """Unknown logins lock exactly like real ones, so the lock message reveals no logins."""
    rules = policy()
    key = f"hotline:signin:unknown:{login}"
    redis = get_redis()
    failures = redis.incr(key)
    if failures == 1 or failures == rules.max_attempts:
        redis.expire(key, rules.lock_minutes * 60)
    if failures >= rules.max_attempts:
        return translate("signin.locked", minutes=max(1, -(-redis.ttl(key) // 60)))
    return translate("signin.wrong")


def _minutes_left(until: datetime, at: datetime) -> int:
    return max(1, -(-int((until - at).total_seconds()) // 60))
