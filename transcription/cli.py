"""`hotline transcribe FILE`: the same decoding and redaction as the job, on a local file."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from hotline.wavinfo import BadAudio
from transcription.analytics import analyse
from transcription.assessment import company_names, current_rules
from transcription.engine import ModelMissing, load_model, model_path_for
from transcription.pipeline import transcribe_audio
from transcription.redaction import redact_turns


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


@click.command("transcribe")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--language", default=None, help="zh-CN or en-US (picks the model from VOSK_MODELS).")
@click.option("--json", "as_json", is_flag=True, help="Print turns, words and QA analysis as JSON.")
@with_appcontext
def transcribe_command(file: Path, language: str | None, as_json: bool) -> None:
    """Transcribe a WAV file and print it, to check a model or a recording by hand."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    language = language or settings.default_language
    try:
        data = file.read_bytes()
        model = load_model(model_path_for(settings, language))
        rules = current_rules()
        turns, info = transcribe_audio(data, model, rules["channels"], language)
    except OSError as exc:
        click.echo(f"{file}: cannot read it ({exc.strerror})", err=True)
        sys.exit(1)
    except (ModelMissing, BadAudio) as exc:
        click.echo(f"{file}: {exc}", err=True)
        sys.exit(1)
    redacted, _ = redact_turns(turns, rules.data.get("redaction") or {}, language)
    if as_json:
        analysis = analyse(turns, info.seconds, language, rules.data, company_names())
        click.echo(json.dumps({"channels": info.channels, "sample_rate": info.sample_rate,
                               "seconds": round(info.seconds, 2), "turns": redacted, "analysis": analysis},
                              ensure_ascii=False, indent=1))
        return
    click.echo(f"# {file.name}: {info.channels} channel(s), {info.sample_rate} Hz, {info.seconds:.1f} s")
    for turn in redacted:
        click.echo(f"[{_clock(turn['start'])}-{_clock(turn['end'])}] {turn['speaker']}: {turn['text']} "
                   f"(conf {turn['confidence']:.2f})")
    if not redacted:
        click.echo("(no speech recognised)")
