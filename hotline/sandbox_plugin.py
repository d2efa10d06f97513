"""The one door from hotline's plumbing to the optional Twilio sandbox (docs/sandbox.md).

The sandbox (`sandbox/`, `pip install 'hotline[sandbox]'`) sits above hotline: it imports the
plumbing, never the reverse. What the plumbing asks of it (a REST server for TELEPHONY=sandbox, the
live simulator of `hotline serve`, the demo's call, the `hotline simulate` / `hotline sandbox`
commands) is `SandboxPlugin`, and this module is the only one that imports it, only when asked, so a
process on real Twilio never loads it. The import-linter contract in pyproject.toml allows exactly
this edge (`hotline.sandbox_plugin -> sandbox.plugin`) and forbids every other.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import click
from flask import Flask

from hotline.settings import Settings, SettingsError

INSTALL = "pip install 'hotline[sandbox]'"


class SandboxMissing(SettingsError):
    """Sandbox telephony was asked for but the sandbox package is not installed."""


class SandboxPlugin(Protocol):
    def ensure(self, settings: Settings, app: Flask | None = None) -> str:
        """The base URL (TWILIO_API_URL) of the sandbox REST server this process's `app` talks to,
        started on first use."""

    def serve_live(self, app: Flask) -> None:
        """In `hotline serve`: play the calls the app places on its sandbox in real time, against
        the local web server, and leave the sandbox's URL where `running_url` finds it."""

    def running_url(self, settings: Settings) -> str | None:
        """The sandbox URL a running `hotline serve` left in the instance folder, if any."""

    def play_script(self, script: Path, url: str, settings: Settings) -> int:
        """Play a call script against the hotline at `url` in real time; the exit status."""

    def register_commands(self, cli: click.Group) -> None:
        """Add `hotline simulate` and `hotline sandbox ...` to the app's commands."""


def installed() -> SandboxPlugin | None:
    try:
        from sandbox import plugin  # local import: an optional install (the `sandbox` extra)
    except ModuleNotFoundError as exc:
        if exc.name not in ("sandbox", "sandbox.plugin"):
            raise  # the sandbox is there but something it needs is not: say that, not "not installed"
        return None
    return plugin


def require(what: str) -> SandboxPlugin:
    plugin = installed()
    if plugin is None:
        raise SandboxMissing(f"{what} needs the Twilio sandbox, which is not installed: {INSTALL} "
                             f"(or set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN for Twilio, or TWILIO_API_URL "
                             f"for a sandbox running elsewhere)")
    return plugin


def sandbox_api_url(settings: Settings, app: Flask | None = None) -> str:
    """TWILIO_API_URL for TELEPHONY=sandbox without one: this process's sandbox, started if need be."""
    return require("TELEPHONY=sandbox without TWILIO_API_URL").ensure(settings, app)


def rest_api_url(settings: Settings, app: Flask | None = None) -> str | None:
    """Where this process's REST requests go: TWILIO_API_URL, this process's sandbox in sandbox
    mode (started if need be), or None for Twilio's cloud."""
    if settings.is_sandbox and not settings.twilio_api_url:
        return sandbox_api_url(settings, app)
    return settings.twilio_api_url or None
