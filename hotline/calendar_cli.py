"""`hotline calendar import FILE`: load one year's State Council list into the calendar file.

Needs no database or Redis (like `hotline check`): it edits the file the settings point at
(CALENDAR_PATH, default hotline/calendar.yaml), which every running process picks up on its next
use. Nothing is written unless the import file and the calendar it produces are both valid.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from hotline.calendar import CALENDAR, parse_calendar
from hotline.calendar_import import CalendarImportError, apply_year, parse_year_file
from hotline.data_files import read
from hotline.settings import Settings, SettingsError

calendar_cli = click.Group("calendar", help="The business calendar: holidays and make-up working days.")


def _write_atomically(path: Path, text: str) -> None:
    # A running process reads the file on its next use: it must see the old file or the new, never half.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@calendar_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--calendar", "calendar_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The calendar file to edit (default: CALENDAR_PATH, else hotline/calendar.yaml).")
@click.option("--dry-run", is_flag=True, help="Check and print the result; write nothing.")
def import_year(file: Path, calendar_path: Path | None, dry_run: bool) -> None:
    """Replace one year's holidays and make-up working days with the lines of FILE
    (`holiday|workday DATE[..DATE] [name]`, one a line, all in one year)."""
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        click.echo(f"hotline: configuration error: {exc}", err=True)
        sys.exit(2)
    target = calendar_path or CALENDAR.path(settings)
    try:
        year_list = parse_year_file(file.read_text(encoding="utf-8"), str(file))
        before = target.read_text(encoding="utf-8")
        after = apply_year(before, year_list, str(target))
    except CalendarImportError as exc:
        for line in exc.problems:
            click.echo(f"error: {line}")
        click.echo(f"{len(exc.problems)} problem(s); nothing written", err=True)
        sys.exit(1)
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"error: {getattr(exc, 'filename', None) or file}: {getattr(exc, 'strerror', None) or exc}")
        sys.exit(1)
    calendar, problems = read(after, str(target), parse_calendar, default_timezone=settings.timezone)
    if problems or calendar is None:
        for line in problems:
            click.echo(f"error: {line}")
        click.echo(f"{len(problems)} problem(s) in the calendar the import would write; nothing written", err=True)
        sys.exit(1)
    year = year_list.year
    holidays = sum(1 for day in calendar.holidays if day.year == year)
    workdays = sum(1 for day in calendar.workdays if day.year == year)
    if dry_run:
        click.echo(after, nl=False)
    else:
        _write_atomically(target, after)
    click.echo(f"{year}: {holidays} holiday(s), {workdays} make-up working day(s) "
               f"{'would be written to' if dry_run else 'written to'} {target}", err=dry_run)
