"""The `allo` commands on empty, unknown, newer, broken-migration and read-only files.

Only `allo db init` initialises an existing empty file; a refused file gets nothing written
beside it; the commands that only read open a read-only database read-only and work.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from small_disk import remount_read_only, small_disk

from allo_tui.cli import main
from allo_tui.data.backend.sqlite.connect import create_engine_for
from allo_tui.data.backend.sqlite.files import ensure_database_file
from allo_tui.data.schema import HEAD_REVISION, alembic_config, prepare_database
from allo_tui.data.store import Store

READ_ONLY_COMMANDS = (("operator", "list"), ("db", "check"), ("db", "backup", "{copy}"))


pytestmark = pytest.mark.usefixtures("isolated_home")


def allo(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), *args])


def one_line(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for word in words:
        assert word in result.output, result.output
    return result.output


def folder_listing(path: Path) -> list[str]:
    return sorted(os.listdir(path.parent))


def stamp(path: Path, revision: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.commit()
    connection.close()


def test_an_empty_file_is_initialised_only_by_db_init(tmp_path: Path) -> None:
    empty = tmp_path / "allo.sqlite3"
    empty.touch()
    copy = tmp_path / "copy.sqlite3"
    commands = (
        *READ_ONLY_COMMANDS,
        ("board",),
        ("db", "upgrade"),
        ("operator", "add", "bruno"),
        ("request", "add", "--category", "voirie", "--description", "trou"),
    )
    for command in commands:
        result = allo(empty, *(part.format(copy=copy) for part in command))
        one_line(result, "vide", "allo db init")
        assert empty.read_bytes() == b"", command
        assert folder_listing(empty) == ["allo.sqlite3"], command

    initialised = allo(empty, "db", "init")

    assert initialised.exit_code == 0, initialised.output
    assert allo(empty, "db", "check").exit_code == 0


def test_db_check_says_a_file_is_empty_rather_than_naming_a_schema(tmp_path: Path) -> None:
    empty = tmp_path / "allo.sqlite3"
    empty.touch()

    output = one_line(allo(empty, "db", "check"), "fichier vide (0 octet)")

    assert "None" not in output


def test_an_unknown_revision_is_called_unknown_not_newer(tmp_path: Path) -> None:
    path = tmp_path / "allo.sqlite3"
    prepare_database(path)
    stamp(path, "zzz")

    for command in (("db", "check"), ("operator", "list"), ("db", "init")):
        output = one_line(allo(path, *command), "révision inconnue", "zzz")
        assert "plus récente" not in output


def test_a_newer_schema_is_refused_without_creating_files_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "allo.sqlite3"
    prepare_database(path)
    stamp(path, "9999")
    before = path.read_bytes()
    copy = tmp_path / "copy.sqlite3"
    commands = (
        *READ_ONLY_COMMANDS,
        ("board",),
        ("db", "init"),
        ("db", "upgrade"),
        ("request", "add", "--category", "voirie", "--description", "trou"),
    )
    for command in commands:
        result = allo(path, *(part.format(copy=copy) for part in command))
        one_line(result, "plus récente", "9999")
        assert folder_listing(path) == ["allo.sqlite3"], command
    assert path.read_bytes() == before


def test_a_failed_migration_is_one_line_naming_the_backup(tmp_path: Path) -> None:
    from alembic import command as alembic_command

    path = tmp_path / "allo.sqlite3"
    ensure_database_file(path)
    engine = create_engine_for(path)
    with engine.begin() as connection:
        alembic_command.upgrade(alembic_config(path, connection), "0004")
        # what migration 0005 adds is already there: its ALTER TABLE fails
        connection.exec_driver_sql("ALTER TABLE callers ADD COLUMN search_names TEXT")
    engine.dispose()
    before = path.read_bytes()

    output = one_line(allo(path, "operator", "list"), "0004", HEAD_REVISION, "sauvegarde")

    backups = [name for name in os.listdir(tmp_path) if name.endswith(".bak")]
    assert len(backups) == 1 and backups[0] in output
    assert path.read_bytes() == before


def _read_only_database(tmp_path: Path):
    """A database with one request on a file system mounted read-only."""
    disk = small_disk(tmp_path / "archive", size_kib=4096)
    folder = disk.__enter__()
    path = folder / "allo.sqlite3"
    added = allo(path, "request", "add", "--category", "voirie", "--description", "archivée")
    assert added.exit_code == 0, added.output
    reference = added.output.strip()
    remount_read_only(folder)
    return disk, path, reference


def test_read_only_database_is_checked_backed_up_and_listed(tmp_path: Path) -> None:
    disk, path, _reference = _read_only_database(tmp_path)
    try:
        before = path.read_bytes()
        check = allo(path, "db", "check")
        backup = allo(path, "db", "backup", str(tmp_path / "copy.sqlite3"))
        listing = allo(path, "operator", "list")
        refused = allo(path, "request", "add", "--category", "voirie", "--description", "x")

        assert check.exit_code == 0 and "tout est en ordre" in check.output, check.output
        assert backup.exit_code == 0, backup.output
        assert listing.exit_code == 0 and "amelie" in listing.output, listing.output
        one_line(refused, "écriture")
        assert path.read_bytes() == before
        assert folder_listing(path) == ["allo.sqlite3"]
        copy = sqlite3.connect(tmp_path / "copy.sqlite3")
        assert copy.execute("SELECT description FROM requests").fetchall() == [("archivée",)]
        copy.close()
    finally:
        disk.__exit__(None, None, None)


async def test_the_wall_board_opens_a_read_only_database(tmp_path: Path) -> None:
    from allo_tui.app import BoardApp
    from allo_tui.widgets.board_list import BoardList

    disk, path, reference = _read_only_database(tmp_path)
    store = None
    try:
        assert prepare_database(path, create=False, read_only=True) == "read-only"
        store = Store(path)
        app = BoardApp(store=store, services=(), urgency=None, service_names={})
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            board = app.screen.query_one(BoardList)
            shown = "\n".join(board.render_line(y).text for y in range(board.size.height))
        assert reference in shown
    finally:
        if store is not None:
            store.close()
        disk.__exit__(None, None, None)


def test_a_write_to_a_read_only_file_is_one_sentence(tmp_path: Path) -> None:
    """The Store on a file it may not write opens it read-only; a write says so in French."""
    from allo_tui.data.errors import DatabaseUnavailableError
    from allo_tui.domain.records import NewRequest

    disk, path, _reference = _read_only_database(tmp_path)
    store = Store(path)
    try:
        operator = store.get_operator("amelie")
        category = store.categories()[0]
        with pytest.raises(DatabaseUnavailableError) as refused:
            store.create_request(operator, NewRequest(category_id=category.id, description="x"))
        assert "lecture seule" in str(refused.value)
        assert str(tmp_path / "state") in str(refused.value)  # the log file is named
    finally:
        store.close()
        disk.__exit__(None, None, None)


def test_a_read_only_file_in_a_writable_folder_is_read(tmp_path: Path) -> None:
    """Without root: a file chmod 0400 (root needs the immutable attribute instead)."""
    path = tmp_path / "allo.sqlite3"
    assert allo(path, "request", "add", "--category", "voirie", "--description", "x").exit_code == 0
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if made.returncode != 0:
            pytest.skip("no immutable attribute on this file system")
    else:
        path.chmod(0o400)
    try:
        before = path.read_bytes()
        assert allo(path, "db", "check").exit_code == 0
        assert allo(path, "db", "backup", str(tmp_path / "copy.sqlite3")).exit_code == 0
        assert path.read_bytes() == before
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o600)


def test_a_database_nobody_has_open_in_a_folder_we_may_not_write_is_not_followed_frozen(
    tmp_path: Path,
) -> None:
    """The wall board must follow other consoles' commits: where SQLite could only open the
    file `immutable` (no -shm, a folder we may not write, on a writable file system), the
    board is refused in one line; a check and a backup (one-shot snapshots) still work."""
    folder = tmp_path / "site"
    folder.mkdir()
    path = folder / "allo.sqlite3"
    assert allo(path, "request", "add", "--category", "voirie", "--description", "x").exit_code == 0
    assert not Path(f"{path}-shm").exists()
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if made.returncode != 0:
            pytest.skip("no immutable attribute on this file system")
    else:
        folder.chmod(0o500)
    try:
        board = allo(path, "board")
        check = allo(path, "db", "check")
        backup = allo(path, "db", "backup", str(tmp_path / "copy.sqlite3"))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        else:
            folder.chmod(0o700)
    one_line(board, "aucune console")
    assert check.exit_code == 0, check.output
    assert backup.exit_code == 0, backup.output


def test_a_backup_never_replaces_a_file_that_appears_during_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from allo_tui.data.backend.sqlite import backup as sqlite_module

    source = tmp_path / "allo.sqlite3"
    assert (
        allo(source, "request", "add", "--category", "voirie", "--description", "x").exit_code == 0
    )
    destination = tmp_path / "copy.sqlite3"
    real_connect = sqlite3.connect

    def connect_then_someone_writes_the_destination(*args, **kwargs):
        connection = real_connect(*args, **kwargs)
        if not destination.exists():
            destination.write_bytes(b"someone else's file")
        return connection

    monkeypatch.setattr(
        sqlite_module.sqlite3, "connect", connect_then_someone_writes_the_destination
    )
    with pytest.raises(sqlite_module.DatabaseFileError, match="créé pendant la copie"):
        sqlite_module.backup_database(source, destination)
    assert destination.read_bytes() == b"someone else's file"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")) == []
