"""Alembic environment: runs on the connection handed in by `allo_tui.data.schema`."""

from __future__ import annotations

from alembic import context

from allo_tui.data.backend.sqlite.connect import is_fts_internal
from allo_tui.data.models import Base

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, parent_names) -> bool:
    """Leave the FTS5 tables and their shadow tables out of autogenerate and `check`."""
    if type_ == "table" and name is not None:
        return not is_fts_internal(name)
    return True


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
