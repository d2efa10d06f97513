"""The registry of areas: what the app factory, migrations, packaging and `hotline check` read.

An area is a top-level package that declares itself once, in its `__init__`:

    AREA = Area("tickets", init_app, api=("tickets.api", "tickets.api_edit"), data_files=(TEMPLATES,),
                migrations=True)

and is named once in `hotline.AREAS` (the order `create_app` sets them up in). Everything else is
derived from that: the app factory calls `init_app` and nests each `api` module's `bp` under
/api; Alembic's version locations are `<area>/migrations` for each area with migrations
(hotline/migrate.py; alembic.ini must say the same); `hotline check` validates `data_files`;
pyproject's package include list must name every area; `hotline serve` and `hotline demo` print each
`readiness` line. `tests/hotline/test_areas.py` fails when a
folder looks like an area but is not registered, or when these lists disagree.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from hotline import AREAS

if TYPE_CHECKING:
    from flask import Blueprint, Flask

    from hotline.data_files import DataFile
    from hotline.settings import Settings


@dataclass(frozen=True)
class Area:
    name: str  # the package, and the Alembic branch label of its migrations
    init_app: Callable[["Flask"], None]  # its blueprints, receivers, periodic jobs, commands, extensions
    # Modules whose `bp` (a Blueprint without url_prefix) is nested under /api; imported by the app
    # factory only, so importing the area stays cheap.
    api: tuple[str, ...] = ()
    data_files: tuple["DataFile[Any]", ...] = ()  # operator YAML files (hotline.data_files)
    migrations: bool = False  # owns <name>/migrations, one Alembic branch labelled <name>
    models: str | None = None  # the module whose import declares its tables (for the schema check)
    # One line on whether the area can do its work on these settings ("transcription: ready (...)"),
    # printed by `hotline serve` and `hotline demo`, so the plumbing names no area to report it.
    readiness: Callable[["Settings"], str] | None = None

    def api_blueprints(self) -> list["Blueprint"]:
        return [importlib.import_module(module).bp for module in self.api]


def areas() -> tuple[Area, ...]:
    """Every registered area, in set-up order (`hotline.AREAS`)."""
    found = []
    for name in AREAS:
        area = getattr(importlib.import_module(name), "AREA", None)
        if not isinstance(area, Area) or area.name != name:
            raise RuntimeError(f"{name}/__init__.py must declare AREA = Area({name!r}, ...)")
        found.append(area)
    return tuple(found)


def readiness_lines(settings: "Settings") -> list[str]:
    """Each area's one line on whether it can work (`Area.readiness`), in set-up order."""
    return [area.readiness(settings) for area in areas() if area.readiness is not None]
