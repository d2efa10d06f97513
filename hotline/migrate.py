"""Schema migrations with Alembic: one branch per area, all upgraded together to `heads`.

Each area keeps its revisions in `<area>/migrations/` with its own branch label, so areas evolve
their tables independently; a revision that needs another area's table says so with depends_on.
Which areas have migrations, and which module declares their tables, comes from the registry
(`Area.migrations`, `Area.models` in hotline/areas.py); alembic.ini repeats the list for the
`alembic` command, and tests/hotline/test_areas.py checks that the two agree.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from hotline.areas import areas
from hotline.db import Base
from hotline.settings import PROJECT_ROOT

def migration_areas() -> tuple[str, ...]:
    """The plumbing's branch, then every registered area that owns migrations (hotline.areas)."""
    return ("hotline", *(area.name for area in areas() if area.migrations))


def version_locations() -> list[str]:
    """Where Alembic finds revisions: hotline/migrations/versions, then `<area>/migrations`."""
    return [str(PROJECT_ROOT / "hotline" / "migrations" / "versions"),
            *(str(PROJECT_ROOT / name / "migrations") for name in migration_areas()[1:])]


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "hotline" / "migrations"))
    config.set_main_option("version_locations", " ".join(version_locations()))
    config.set_main_option("path_separator", "space")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "heads")


def import_all_models() -> None:
    """Import every area's models so Base.metadata describes the whole schema."""
    importlib.import_module("hotline.models")
    for area in areas():
        if area.models:
            importlib.import_module(area.models)


def model_drift(database_url: str) -> list:
    """Differences between the migrated schema and the models (empty when they agree)."""
    # local import: alembic's autogenerate (mako, its comparators) serves the drift check alone
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import_all_models()
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            virtual = _sqlite_virtual_tables(connection)

            def include_object(obj, name, type_, reflected, compare_to):
                # Objects a model marks as one database's (info={"only_on": ...}), and SQLite's virtual
                # tables (FTS5) with their shadow tables, which only migrations make.
                if obj is not None and obj.info.get("only_on", connection.dialect.name) != connection.dialect.name:
                    return False
                return not (type_ == "table" and any(name == v or name.startswith(v + "_") for v in virtual))

            context = MigrationContext.configure(connection, opts={"compare_type": False,
                                                                   "include_object": include_object})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    return [d for d in diffs if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]


def _sqlite_virtual_tables(connection) -> list[str]:
    if connection.dialect.name != "sqlite":
        return []
    return list(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND sql LIKE 'CREATE VIRTUAL TABLE%'")))


__all__ = ["upgrade", "alembic_config", "import_all_models", "model_drift", "Path"]
