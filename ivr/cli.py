"""`hotline ivr check [FILE]`: validate a menu file before it goes live."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ivr.menu_check import check_menu
from ivr.menu_loader import parse_menu
from ivr.menu_store import DEFAULT_MENU_PATH

ivr_cli = AppGroup("ivr", help="IVR menus.")


@ivr_cli.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check(file: Path | None) -> None:
    """Check FILE (default: the menu in use) for unreachable nodes, missing translations, duplicate
    keys, dead ends, unknown queues and cycles with no exit. Exit 1 when it has errors."""
    path = file or current_app.config["HOTLINE_SETTINGS"].ivr_menu_path or DEFAULT_MENU_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"{path}: cannot read the file ({getattr(exc, 'strerror', None) or exc})", err=True)
        sys.exit(1)
    tree, errors = parse_menu(text, str(path))
    warnings: list[str] = []
    if tree is not None:
        for problem in check_menu(tree):
            (errors if problem.severity == "error" else warnings).append(problem.message)
    for message in errors:
        click.echo(f"error: {message}")
    for message in warnings:
        click.echo(f"warning: {message}")
    if errors:
        click.echo(f"{path}: {len(errors)} error(s); the hotline would refuse this menu", err=True)
        sys.exit(1)
    assert tree is not None
    click.echo(f"{path}: OK ({len(tree.nodes)} nodes, {len(warnings)} warning(s))")
