"""What hotline's plumbing may ask of the sandbox: `hotline.sandbox_plugin.SandboxPlugin`.

The top of the sandbox's layers; hotline/sandbox_plugin.py imports this module and nothing else of
the sandbox.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from hotline.settings import Settings
from sandbox.cli import register as register_commands
from sandbox.rest.server import ensure_sandbox
from sandbox.simulator.live import serve_sandbox
from sandbox.simulator.remote import sandbox_url_file, simulate_remote

__all__ = ["ensure", "play_script", "register_commands", "running_url", "serve_live"]


def ensure(settings: Settings, app: Flask | None = None) -> str:
    return ensure_sandbox(settings, app).base_url


def serve_live(app: Flask) -> None:
    serve_sandbox(app)


def running_url(settings: Settings) -> str | None:
    path = sandbox_url_file(settings)
    return path.read_text().strip() if path.is_file() else None


def play_script(script: Path, url: str, settings: Settings) -> int:
    return simulate_remote(str(script), url, settings.public_base_url, settings, None)
