"""The registry of areas (hotline/areas.py) is the one list: the app factory, migrations, `hotline
check` and packaging agree with it, and a folder that looks like an area is registered."""
from __future__ import annotations

import configparser
import importlib
import tomllib
from pathlib import Path

from flask import Blueprint

from hotline import AREAS
from hotline.areas import Area, areas
from hotline.migrate import version_locations
from hotline.settings import PROJECT_ROOT

# Top-level packages that are not areas, and why.
NOT_AREAS = {"hotline": "the shared plumbing", "tests": "not shipped", "bench": "not shipped",
             "scripts": "not shipped"}


def _looks_like_an_area(folder: Path) -> bool:
    init = folder / "__init__.py"
    return init.exists() and ("def init_app" in init.read_text(encoding="utf-8")
                              or (folder / "migrations").is_dir() or (folder / "models.py").exists())


def test_every_area_folder_is_registered():
    folders = {p.name for p in PROJECT_ROOT.iterdir() if p.is_dir() and _looks_like_an_area(p)}
    assert folders - set(NOT_AREAS) == set(AREAS), "add the area's name to hotline.AREAS and declare its AREA"
    assert len(set(AREAS)) == len(AREAS)


def test_each_area_declares_itself_once():
    for area in areas():
        assert isinstance(area, Area) and area.init_app is importlib.import_module(area.name).init_app
        assert area.migrations == (PROJECT_ROOT / area.name / "migrations").is_dir(), area.name
        assert (area.models is not None) == (PROJECT_ROOT / area.name / "models.py").exists(), area.name


def test_alembic_ini_names_the_registrys_migrations():
    parser = configparser.ConfigParser()
    parser.read(PROJECT_ROOT / "alembic.ini")
    listed = parser["alembic"]["version_locations"].split()
    assert [str(PROJECT_ROOT / p) for p in listed] == version_locations()
    assert all(Path(p).is_dir() for p in version_locations())


def test_pyproject_packages_are_the_plumbing_and_the_areas():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = project["tool"]["setuptools"]["packages"]["find"]["include"]
    expected = {"hotline*", *(f"{name}*" for name in AREAS)}
    assert expected <= set(include), f"add {sorted(expected - set(include))} to pyproject's include"
    # Anything else shipped is a package that is not an area (a tool beside the product).
    assert not any(_looks_like_an_area(PROJECT_ROOT / extra.rstrip("*")) for extra in set(include) - expected)


def test_area_apis_nest_under_api_and_none_is_left_out():
    listed = {module for area in areas() for module in area.api}
    for area in areas():
        for path in sorted((PROJECT_ROOT / area.name).glob("*api*.py")):
            module = importlib.import_module(f"{area.name}.{path.stem}")
            if isinstance(getattr(module, "bp", None), Blueprint):
                assert module.__name__ in listed, f"name {module.__name__} in {area.name}'s AREA.api"
    for area in areas():
        for bp in area.api_blueprints():
            assert bp.url_prefix is None, f"{bp.name}: the app factory nests it under /api"


def test_the_app_serves_each_areas_api(app):
    prefixes = {rule.endpoint.split(".")[1] for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    names = {bp.name for area in areas() for bp in area.api_blueprints()}
    assert names <= prefixes
