"""`hotline models install LANGUAGE...` and `hotline models status`: the speech models transcription uses."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from transcription.engine import models_dir
from transcription.model_catalog import OFFICIAL_MODELS
from transcription.model_install import ModelInstallError, install_model
from transcription.readiness import check_readiness, transcription_readiness

models_cli = AppGroup("models", help="Vosk speech models for transcription.")


@models_cli.command("install")
@click.argument("languages", nargs=-1, required=True, type=click.Choice(sorted(OFFICIAL_MODELS)))
@click.option("--archive", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Install from this already downloaded .zip (one language) instead of downloading it.")
def install(languages: tuple[str, ...], archive: Path | None) -> None:
    """Download the official Vosk model of each language, verify it and install it in VOSK_MODELS_DIR."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    if archive is not None and len(languages) != 1:
        raise click.UsageError("--archive installs one language at a time")
    failed = False
    for language in dict.fromkeys(languages):
        spec = OFFICIAL_MODELS[language]
        if language in settings.vosk_models:
            click.echo(f"{language}: note: VOSK_MODELS sets {settings.vosk_models[language]} for {language}; "
                       f"it keeps precedence over the installed model")
        source = archive or f"{settings.vosk_models_url}/{spec.filename}"
        click.echo(f"{language}: {spec.name} ({spec.megabytes} MB) from {source}")
        try:
            path = install_model(spec, settings.vosk_models_url, models_dir(settings), archive=archive,
                                 progress=_progress(spec.size))
        except ModelInstallError as exc:
            _end_progress()
            click.echo(f"{language}: not installed: {exc}", err=True)
            failed = True
            continue
        _end_progress()
        click.echo(f"{language}: installed in {path} (size and SHA-256 verified)")
    click.echo(transcription_readiness(settings))
    if not failed:
        click.echo("restart the transcription workers (or `make run`) to load the new models")
    sys.exit(1 if failed else 0)


@models_cli.command("status")
def status() -> None:
    """Say whether transcription is ready, and the command that makes it ready; exit 1 when not."""
    readiness = check_readiness(current_app.config["HOTLINE_SETTINGS"])
    click.echo(readiness.line)
    for language, reason in readiness.missing.items():
        click.echo(f"  {language}: {reason}")
    sys.exit(0 if readiness.ready else 1)


_shown = {"percent": -1}


def _progress(total: int):
    def show(received: int, _total: int) -> None:
        percent = received * 100 // max(total, 1)
        if percent // 10 != _shown["percent"] // 10 and sys.stderr.isatty():
            click.echo(f"\r  {percent:3d} %", nl=False, err=True)
        _shown["percent"] = percent
    _shown["percent"] = -1
    return show


def _end_progress() -> None:
    if _shown["percent"] >= 0 and sys.stderr.isatty():
        click.echo("", err=True)
