"""Alembic environment: runs migrations for every area's branch against one database."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from hotline.db import Base
from hotline.migrate import import_all_models

config = context.config
if not config.get_main_option("sqlalchemy.url"):
    from hotline.settings import Settings

    config.set_main_option("sqlalchemy.url", Settings.from_env().database_url.replace("%", "%%"))
import_all_models()
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        # Batch mode lets ALTER TABLE migrations run on SQLite as well as PostgreSQL.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
