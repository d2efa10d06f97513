"""The one place hotline reads the time from, so tests and simulations can control it."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from flask import current_app, has_app_context


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Clock:
    """Wall-clock time, always timezone-aware UTC."""

    def now(self) -> datetime:
        return utcnow()


class FrozenClock(Clock):
    """A clock that only moves when told to; thread-safe so a sandbox thread can share it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when

    def advance(self, seconds: float = 0, **kwargs: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds, **kwargs)
            return self._now


def get_clock() -> Clock:
    """The current app's clock (outside an app: the wall clock)."""
    if has_app_context():
        return current_app.extensions["hotline.clock"]
    return Clock()


def now() -> datetime:
    return get_clock().now()


def as_utc(value: datetime | None) -> datetime | None:
    """Every stored time is UTC: SQLite hands back naive datetimes and psycopg ones in the session's
    zone, so both are brought to one tzinfo that compares and serialises the same everywhere."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
