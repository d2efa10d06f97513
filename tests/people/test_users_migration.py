"""The users table moved from desk's migrations to the people area's: an existing database, at the
heads it had before the move (users made by the old desk_0001), reaches the new heads with its
rows kept, and ends with the same schema as a new one."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from hotline.migrate import alembic_config, model_drift, version_locations
from hotline.settings import PROJECT_ROOT, Settings


def _old_desk_0001() -> str:
    """desk_0001 as it was before people became an area: people_0001's table, made unconditionally,
    under desk's revision id and branch label."""
    source = (PROJECT_ROOT / "people" / "migrations" / "people_0001_users.py").read_text(encoding="utf-8")
    guard = '    if sa.inspect(op.get_bind()).has_table("users"):\n        return  # made by desk_0001 before the move\n'
    assert guard in source and 'revision = "people_0001"' in source and 'branch_labels = ("people",)' in source
    return (source.replace(guard, "").replace('revision = "people_0001"', 'revision = "desk_0001"')
            .replace('branch_labels = ("people",)', 'branch_labels = ("desk",)'))


def _databases():
    yield "sqlite"
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        yield "postgresql"


@pytest.fixture(params=list(_databases()))
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    base = Settings.from_env({"DATABASE_URL": os.environ["DATABASE_URL"]}, dotenv=Path("/nonexistent")).database_url
    schema = "people_move_upgrade"
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def test_a_database_at_the_old_heads_reaches_the_new_heads(empty_database, tmp_path):
    old = tmp_path / "old_desk"
    old.mkdir()
    (old / "desk_0001_users.py").write_text(_old_desk_0001(), encoding="utf-8")
    before = [loc for loc in version_locations()
              if Path(loc) not in (PROJECT_ROOT / "people" / "migrations", PROJECT_ROOT / "desk" / "migrations")]
    config = alembic_config(empty_database)
    config.set_main_option("version_locations", " ".join([*before, str(old)]))
    command.upgrade(config, "heads")

    engine = create_engine(empty_database)
    try:
        with engine.begin() as connection:
            assert "desk_0001" in set(connection.scalars(text("SELECT version_num FROM alembic_version")))
            connection.execute(text(
                "INSERT INTO users (login, name, password_hash, role, language, active, failed_attempts, "
                "session_version, password_changed_at, created_at, updated_at) VALUES ('wang.fang', 'Wang Fang', "
                "'x', 'agent', 'zh-CN', true, 0, 1, '2026-12-01 08:00:00+00', '2026-12-01 08:00:00+00', "
                "'2026-12-01 08:00:00+00')"))

        command.upgrade(alembic_config(empty_database), "heads")

        with engine.connect() as connection:
            versions = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
            assert {"people_0001", "desk_0001"} <= versions
            assert list(connection.scalars(text("SELECT login FROM users"))) == ["wang.fang"]
    finally:
        engine.dispose()
    assert model_drift(empty_database) == []


def test_a_new_database_gets_the_users_table_from_people(empty_database):
    command.upgrade(alembic_config(empty_database), "people@head")
    engine = create_engine(empty_database)
    try:
        with engine.connect() as connection:
            assert list(connection.scalars(text("SELECT count(*) FROM users"))) == [0]
            versions = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
            assert "people_0001" in versions and "desk_0001" not in versions  # desk is not needed for it
    finally:
        engine.dispose()
