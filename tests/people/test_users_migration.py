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

# desk_0001 as it was before people became an area (it made the users table).
OLD_DESK_0001 = '''
import sqlalchemy as sa
from alembic import op

revision = "desk_0001"
down_revision = None
branch_labels = ("desk",)
depends_on = "hotline_0001"
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("login", sa.String(60), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("last_signin_at", TS, nullable=True),
        sa.Column("password_changed_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("login", name="uq_users_login"),
        sa.UniqueConstraint("agent_id", name="uq_users_agent_id"),
    )


def downgrade() -> None:
    op.drop_table("users")
'''


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
    (old / "desk_0001_users.py").write_text(OLD_DESK_0001, encoding="utf-8")
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
