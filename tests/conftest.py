"""Shared fixtures: a real database file in a temp folder, a fixed clock, a Store on it."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import OperatorRecord, Role

# Tuesday 24 November 2026, 10:00 in Paris.
FIXED_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A freshly migrated database file."""
    path = tmp_path / "allo.sqlite3"
    prepare_database(path)
    return path


@pytest.fixture
def store(db_path: Path, clock: FixedClock):
    store = Store(db_path, clock=clock)
    yield store
    store.close()


@pytest.fixture
def admin(store: Store) -> OperatorRecord:
    """The first operator of a database becomes admin."""
    return store.resolve_operator("admin")


@pytest.fixture
def operator(store: Store, admin: OperatorRecord) -> OperatorRecord:
    return store.add_operator("hostess", Role.OPERATOR, "Anne Hôtesse")


@pytest.fixture
def supervisor(store: Store, admin: OperatorRecord) -> OperatorRecord:
    return store.add_operator("chief", Role.SUPERVISOR, "Chef Superviseur")


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory) -> Path:
    """One file migrated per module; each test gets a byte copy (migrating costs ~0.1 s)."""
    path = tmp_path_factory.mktemp("template") / "allo.sqlite3"
    prepare_database(path)
    assert not path.with_name(path.name + "-wal").exists()  # fully checkpointed
    return path


@pytest.fixture
def migrated_copy(migrated_template: Path, tmp_path: Path) -> Path:
    """A freshly migrated database file, copied from the module's template (a test module
    overrides `db_path` with it to copy instead of migrating)."""
    path = tmp_path / "allo.sqlite3"
    shutil.copyfile(migrated_template, path)
    path.chmod(0o600)
    return path
