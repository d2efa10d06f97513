"""What an in-process `hotline simulate` runs against: a throwaway copy of the app unless `--live`.

A simulation runs on a virtual clock: its calls, tickets and agents' states carry invented times and
would sit among real calls in reports. So by default it gets its own SQLite file and embedded Redis
in a temporary folder (same settings otherwise: menu, queues, calendar), removed afterwards. While it
runs, the app's JSON log lines go to a file instead of the terminal, where they would interleave with
the timeline.
"""
from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from flask import Flask

from hotline import create_app
from hotline.migrate import upgrade
from hotline.redis_client import embedded_redis_url, stop_embedded_redis


@contextmanager
def simulation_app(app: Flask, live: bool) -> Iterator[Flask]:
    settings = app.config["HOTLINE_SETTINGS"]
    if live:
        upgrade(settings.database_url)
        yield app
        return
    folder = Path(tempfile.mkdtemp(prefix="hotline-simulate-"))
    try:
        throwaway = dataclasses.replace(settings, instance_dir=folder,
                                        database_url=f"sqlite:///{folder / 'simulation.sqlite3'}",
                                        redis_url=embedded_redis_url(folder), recordings_dir=folder / "recordings",
                                        vosk_models_dir=settings.vosk_models_dir or settings.instance_dir / "models")
        upgrade(throwaway.database_url)
        copy = create_app(throwaway, clock=app.extensions["hotline.clock"])
        try:
            yield copy
        finally:
            copy.extensions["hotline.db"].engine.dispose()
    finally:
        stop_embedded_redis(folder)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def logs_to_file(path: Path) -> Iterator[Path]:
    """Send the app's log handler (hotline.logging) to `path` for the duration."""
    handlers = [h for h in logging.getLogger().handlers if getattr(h, "_hotline", False)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        previous = [h.setStream(out) for h in handlers]
        try:
            yield path
        finally:
            for handler, stream in zip(handlers, previous):
                handler.setStream(stream)
