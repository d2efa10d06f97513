"""The table printed after a simulation: each call's sid, direction, party, status and duration."""
from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from hotline import db
from hotline.models import Call


def print_summary(sim, app: Flask | None) -> None:
    click.echo("")
    for call in sim.calls:
        line = f"{call.sid}  {call.direction:<13} {call.party:<18} {call.status:<10} {call.duration:>4} s"
        if app is not None:
            line += "  " + stored(app, call.sid)
        click.echo(line)
    if sim.errors:
        click.echo(f"\n{len(sim.errors)} problem(s):", err=True)
        for problem in sim.errors:
            click.echo(f"  {problem}", err=True)


def stored(app: Flask, sid: str) -> str:
    """What the database holds for the call, to show the simulation reached it."""
    with app.app_context():
        call = db.session().scalars(select(Call).where(Call.sid == sid)).first()
        if call is None:
            return "(not in the database)"
        return f"database: {call.status}, {len(call.events)} event(s)"
