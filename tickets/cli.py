"""`hotline tickets ...`: check an SMS templates file before it goes live; run the SLA sweep now."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from tickets.directory import rebuild
from tickets.sms_wording import TemplateError, load_templates
from tickets.sweep import sweep_sla

tickets_cli = AppGroup("tickets", help="Tickets: SMS templates, the SLA sweep, the caller directory.")


@tickets_cli.command("check-templates")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check_templates(path: Path | None) -> None:
    """Validate an SMS templates file (default: the shipped tickets/sms_templates.yaml)."""
    try:
        templates = load_templates(path)
    except TemplateError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"ok: {len(templates.texts)} texts")


@tickets_cli.command("sweep")
@with_appcontext
def sweep() -> None:
    """Flag at-risk and breached tickets now (the scheduler does this every minute)."""
    result = sweep_sla()
    click.echo(", ".join(f"{key} {value}" for key, value in result.items()))


@tickets_cli.command("rebuild-directory")
@with_appcontext
def rebuild_directory() -> None:
    """Copy every customer's greeting facts to Redis now (the scheduler does it when missing)."""
    click.echo(f"caller directory rebuilt: {rebuild()} customers")
