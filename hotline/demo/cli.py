"""Commands a newcomer runs in the first hour, registered from hotline/cli.py."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from transcription.models_cli import models_cli

    app.cli.add_command(models_cli)  # `hotline demo` is on the command group (hotline/cli.py main)
