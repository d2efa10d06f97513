"""The app every `hotline` command runs in (a bad setting: one line and exit 2), apart from the
command group so that commands defined elsewhere (`hotline demo`) can make it too."""
from __future__ import annotations

import sys

import click
from flask import Flask

from hotline import create_app
from hotline.settings import SettingsError


def create_app_for_cli() -> Flask:
    try:
        return create_app()
    except SettingsError as exc:
        click.echo(f"hotline: configuration error: {exc}", err=True)
        sys.exit(2)
