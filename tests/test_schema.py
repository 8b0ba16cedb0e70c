"""Opening a database file: create, check, refuse (DESIGN §6 rule 5, §7).

Every test works on a real file in `tmp_path`. A refused file must be left exactly as it was:
the tests compare its bytes (and the folder listing) before and after.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from allo_tui.data.errors import DatabaseFileError
from allo_tui.data.models import Base
from allo_tui.data.schema import (
    HEAD_REVISION,
    EmptyFileError,
    NewerSchemaError,
    check_schema,
    known_revisions,
    prepare_database,
)
from allo_tui.data.store import Store

APP_TABLES = {
    "operators",
    "outcomes",
    "rejection_reasons",
    "services",
    "categories",
    "settings",
    "directory",
    "callers",
    "caller_phones",
    "reference_counters",
    "requests",
    "events",
    "calls",
    "drafts",
    "streets",
    "change_counters",
    "request_keys",
    "operator_services",
    "audit",
    "imported_rows",
    "reply_templates",
    "caller_views",
    "reply_letter_batches",
    "reply_letters",
    "caller_merges",
    "api_keys",
    "reply_mails",
    "review_days",
    "review_dirty",
    "review_meta",
}
FTS_TABLES = {"caller_search", "phone_search", "request_search"}


def objects(path: Path, kind: str) -> dict[str, str]:
    """name -> CREATE statement of every object of `kind` in the file."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = ?", (kind,)
        ).fetchall()
    finally:
        connection.close()
    return {name: sql or "" for name, sql in rows}


def snapshot(path: Path) -> tuple[bytes, list[str]]:
    """The file's bytes and the listing of its folder (to prove nothing was touched)."""
    return path.read_bytes(), sorted(os.listdir(path.parent))


def make_foreign_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO recipes (name) VALUES ('tarte tatin')")
    connection.commit()
    connection.close()


# -- creating --------------------------------------------------------------------------------


def test_migrating_a_new_file_creates_every_table_and_the_three_fts_tables(tmp_path: Path):
    path = tmp_path / "allo.sqlite3"

    assert prepare_database(path) == "created"

    tables = objects(path, "table")
    assert APP_TABLES | {"alembic_version"} <= set(tables)
    # The models describe exactly the app tables (nothing is created outside a migration).
    assert set(Base.metadata.tables) == APP_TABLES
    for name in FTS_TABLES:
        assert name in tables
        assert "USING fts5" in tables[name]
    for name in ("caller_search", "request_search"):
        assert "remove_diacritics 2" in tables[name]
    assert "trigram" in tables["phone_search"]
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]
        # The reference catalogue (DESIGN §5) ships with the schema.
        assert connection.execute("SELECT count(*) FROM categories").fetchone()[0] == 13
    finally:
        connection.close()


def test_an_existing_empty_file_is_migrated_when_initialising_is_asked(tmp_path: Path):
    path = tmp_path / "allo.sqlite3"
    path.touch()

    assert prepare_database(path, initialise_empty=True) == "created"

    assert APP_TABLES <= set(objects(path, "table"))


def test_an_existing_empty_file_is_refused_unless_initialising_is_asked(tmp_path: Path):
    path = tmp_path / "allo.sqlite3"
    path.touch()

    for read_only in (False, True):
        with pytest.raises(EmptyFileError) as refused:
            prepare_database(path, read_only=read_only)
        assert "0 octet" in str(refused.value) and "allo db init" in str(refused.value)

    assert path.read_bytes() == b""
    assert os.listdir(tmp_path) == ["allo.sqlite3"]


def test_models_and_migration_agree(db_path: Path):
    assert check_schema(db_path) == []


def test_check_schema_notices_a_schema_that_drifted_from_the_models(db_path: Path):
    # Proves the agreement test above can fail: a missing index is reported.
    connection = sqlite3.connect(db_path)
    connection.execute("DROP INDEX ix_requests_created")
    connection.commit()
    connection.close()

    differences = check_schema(db_path)

    assert any("ix_requests_created" in difference for difference in differences)


def test_head_revision_is_the_newest_known_revision():
    assert known_revisions()[-1] == HEAD_REVISION


def test_a_current_file_is_left_as_it_is(db_path: Path):
    before = snapshot(db_path)

    assert prepare_database(db_path) == "current"

    assert snapshot(db_path)[0] == before[0]


def test_a_missing_file_is_not_created_when_creation_is_off(tmp_path: Path):
    path = tmp_path / "absent.sqlite3"

    with pytest.raises(DatabaseFileError):
        prepare_database(path, create=False)

    assert not path.exists()


def migrate_to(path: Path, revision: str) -> None:
    """Build a file the way an older allo left it: migrated up to `revision` only."""
    from alembic import command

    from allo_tui.data.backend.sqlite.connect import create_engine_for
    from allo_tui.data.backend.sqlite.files import ensure_database_file
    from allo_tui.data.schema import alembic_config

    ensure_database_file(path)
    engine = create_engine_for(path)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(path, connection), revision)
    finally:
        engine.dispose()


def test_a_file_from_an_older_allo_is_backed_up_then_upgraded(tmp_path: Path):
    revisions = known_revisions()
    if len(revisions) < 2:
        pytest.skip("only one schema revision: nothing to upgrade from")
    older = revisions[-2]
    path = tmp_path / "allo.sqlite3"
    migrate_to(path, older)
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO operators (login, display_name, role, active, created_at) "
        "VALUES ('marie', 'Marie', 'admin', 1, '2026-11-24 09:00:00.000000')"
    )
    connection.commit()
    connection.close()

    outcome = prepare_database(path)

    assert outcome.startswith(f"upgraded from {older}")
    backups = [p for p in tmp_path.iterdir() if p.name.endswith(".bak")]
    assert len(backups) == 1
    assert str(backups[0]) in outcome
    assert stat.S_IMODE(backups[0].stat().st_mode) & 0o077 == 0
    for file, revision in ((backups[0], older), (path, HEAD_REVISION)):
        connection = sqlite3.connect(file)
        try:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
                (revision,)
            ]
            assert connection.execute("SELECT login FROM operators").fetchall() == [("marie",)]
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            connection.close()
    assert check_schema(path) == []
    assert prepare_database(path) == "current"


# -- permissions -----------------------------------------------------------------------------


def test_a_personal_database_is_created_0600_in_a_0700_folder(tmp_path: Path):
    path = tmp_path / "data" / "allo" / "allo.sqlite3"

    prepare_database(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_write_ahead_log_of_a_personal_database_is_private_too(db_path: Path, clock):
    store = Store(db_path, clock=clock)
    try:
        store.resolve_operator("admin")  # a write: the -wal file exists while the engine is open
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists()
        assert stat.S_IMODE(wal.stat().st_mode) & 0o077 == 0
    finally:
        store.close()


# -- connection settings ---------------------------------------------------------------------


def test_store_connections_use_wal_foreign_keys_and_durable_commits(store: Store):
    with store.backend.read() as connection:
        journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
        foreign_keys = connection.execute("PRAGMA foreign_keys").fetchone()[0]
        synchronous = connection.execute("PRAGMA synchronous").fetchone()[0]
        busy_timeout = connection.execute("PRAGMA busy_timeout").fetchone()[0]

    assert journal.lower() == "wal"
    assert foreign_keys == 1
    assert synchronous == 2  # FULL: the WAL is synced before COMMIT returns
    assert busy_timeout > 0


def test_a_migrated_file_is_in_wal_mode_for_every_connection(db_path: Path):
    # journal_mode=WAL is persistent: even a bare sqlite3 connection sees it.
    connection = sqlite3.connect(db_path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    finally:
        connection.close()


# -- refusals ----------------------------------------------------------------------------------


def test_a_file_from_a_newer_allo_is_refused_and_left_unchanged(db_path: Path):
    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = snapshot(db_path)

    with pytest.raises(NewerSchemaError) as refused:
        prepare_database(db_path)

    assert "9999" in str(refused.value)
    assert snapshot(db_path)[0] == before[0]
    # No backup or other file was written beside it (SQLite's -wal/-shm aside).
    assert [n for n in os.listdir(db_path.parent) if not n.endswith(("-wal", "-shm"))] == [
        db_path.name
    ]


def test_a_newer_schema_is_a_database_file_error_for_callers_that_catch_that():
    assert issubclass(NewerSchemaError, DatabaseFileError)


def test_a_text_file_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("Liste des courses : pain, lait, œufs\n" * 20, encoding="utf-8")
    before = snapshot(path)

    with pytest.raises(DatabaseFileError):
        prepare_database(path)

    assert snapshot(path) == before


def test_a_short_text_file_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "short.txt"
    path.write_bytes(b"hello")

    with pytest.raises(DatabaseFileError):
        prepare_database(path)

    assert path.read_bytes() == b"hello"


def test_a_directory_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "allo.sqlite3"
    path.mkdir()
    (path / "keep.txt").write_text("x")

    with pytest.raises(DatabaseFileError):
        prepare_database(path)

    assert path.is_dir()
    assert os.listdir(path) == ["keep.txt"]


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "recipes.sqlite3"
    make_foreign_database(path)
    before = snapshot(path)

    with pytest.raises(DatabaseFileError) as refused:
        prepare_database(path)

    assert not isinstance(refused.value, NewerSchemaError)
    assert snapshot(path) == before
    connection = sqlite3.connect(path)
    try:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    finally:
        connection.close()
    assert tables == {"recipes"}


def test_a_corrupt_sqlite_file_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = snapshot(path)

    with pytest.raises(DatabaseFileError):
        prepare_database(path)

    assert snapshot(path) == before


def _make_read_only(path: Path) -> bool:
    """Make `path` unwritable for this process; True when it needs `chattr -i` to undo."""
    if os.geteuid() != 0:
        path.chmod(0o400)
        return False
    # root ignores permission bits; the immutable attribute stops root too.
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a file read-only")
    result = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if result.returncode != 0:
        pytest.skip("running as root on a file system without the immutable attribute")
    return True


def test_a_read_only_database_file_is_refused_and_left_untouched(db_path: Path):
    before = snapshot(db_path)
    immutable = _make_read_only(db_path)
    try:
        with pytest.raises(DatabaseFileError) as refused:
            prepare_database(db_path)
        assert "écriture" in str(refused.value)
        assert db_path.read_bytes() == before[0]
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db_path)], check=True)
        else:
            db_path.chmod(0o600)
