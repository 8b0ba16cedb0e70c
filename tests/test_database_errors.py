"""Database failures a user meets become one French sentence; the details go to a log file.

Every failure here is a real one: a full tmpfs, a write lock held by another connection, a
read-only connection, a file that vanished. The CLI prints the sentence (exit 2), the console
shows it beside the action and keeps the form.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from small_disk import fill_up, small_disk

from allo_tui.cli import main
from allo_tui.data import errors as errors_module
from allo_tui.data.backend.sqlite import backup as sqlite_module
from allo_tui.data.errors import DatabaseUnavailableError, classify, user_message
from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.records import NewRequest


@pytest.fixture
def nothing_logged_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log's memory of failures logged in the last minute starts empty (it logs the same
    failure once a minute)."""
    monkeypatch.setattr(errors_module, "_last_logged", {})


pytestmark = pytest.mark.usefixtures("isolated_home", "nothing_logged_yet")


def log_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "allo-tui" / "log" / "allo.log"


def add_request(db: Path, description: str = "trou"):
    return CliRunner().invoke(
        main,
        ["--db", str(db), "request", "add", "--category", "voirie", "--description", description],
    )


def requests_in(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute("SELECT count(*) FROM requests").fetchone()[0]
    finally:
        connection.close()


def test_request_add_on_a_full_disk_is_one_sentence_and_the_details_are_logged(
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "disk", size_kib=2048) as disk:
        db = disk / "allo.sqlite3"
        assert add_request(db).exit_code == 0
        keeper = sqlite3.connect(db)  # a console still has it open: -wal and -shm stay
        keeper.execute("SELECT count(*) FROM requests").fetchone()
        try:
            fill_up(disk)
            result = add_request(db, "x" * 3_000)
        finally:
            keeper.close()

        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert "disque de la base de données est plein" in result.output
        assert "libérez de la place" in result.output
        assert str(log_path(tmp_path)) in result.output
        assert "full" in log_path(tmp_path).read_text()
        assert requests_in(db) == 1


def test_request_add_locked_past_the_timeout_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "allo.sqlite3"
    assert add_request(db).exit_code == 0
    monkeypatch.setattr(sqlite_module, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = add_request(db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "occupée par un autre poste" in result.output and "réessayez" in result.output
    assert requests_in(db) == 1


def test_each_kind_of_real_failure_has_its_sentence(tmp_path: Path) -> None:
    db = tmp_path / "allo.sqlite3"
    prepare_database(db)
    read_only = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as write:
        read_only.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')")
    read_only.close()
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(db.read_bytes()[:4096] + b"\xff" * 8192)
    with pytest.raises(sqlite3.Error) as damaged:
        connection = sqlite3.connect(corrupt)
        connection.execute("SELECT * FROM requests").fetchall()
    with pytest.raises(sqlite3.Error) as vanished:
        sqlite3.connect(tmp_path / "missing-folder" / "x.sqlite3")

    assert classify(write.value) == "read_only"
    assert classify(damaged.value) == "corrupt"
    assert classify(vanished.value) == "lost"
    assert classify(ValueError("no")) is None
    message = user_message(write.value)
    assert message.startswith("La base de données est en lecture seule")
    assert f"(détails : {log_path(tmp_path)})" in message


def test_an_unexpected_error_is_named_and_logged_not_dumped(tmp_path: Path) -> None:
    message = user_message(KeyError("boom"))

    assert message.startswith("erreur inattendue : KeyError")
    assert "KeyError" in log_path(tmp_path).read_text()


def test_the_store_raises_the_sentence_for_a_full_disk(tmp_path: Path, clock) -> None:
    with small_disk(tmp_path / "disk", size_kib=2048) as disk:
        db = disk / "allo.sqlite3"
        prepare_database(db)
        store = Store(db, clock=clock)
        try:
            admin = store.resolve_operator("admin")
            category = store.categories()[0]
            fill_up(disk)
            with pytest.raises(DatabaseUnavailableError) as refused:
                store.create_request(
                    admin, NewRequest(category_id=category.id, description="x" * 3_000)
                )
            assert refused.value.kind == "full"
        finally:
            store.close()


async def test_the_console_shows_the_sentence_beside_the_save_and_keeps_the_form(
    tmp_path: Path, clock
) -> None:
    from allo_tui.app import AlloApp
    from allo_tui.screens.new_request import NewRequestScreen
    from allo_tui.widgets.text_area_field import LimitedTextArea
    from allo_tui.widgets.typeahead import TypeAhead

    with small_disk(tmp_path / "disk", size_kib=2048) as disk:
        db = disk / "allo.sqlite3"
        prepare_database(db)
        store = Store(db, clock=clock)
        try:
            admin = store.resolve_operator("admin")
            app = AlloApp(store=store, operator=admin, console="test")
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.press("f3")
                await app.workers.wait_for_complete()
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, NewRequestScreen)
                screen.query_one("#category", TypeAhead).focus()
                await pilot.press(*"tags")
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("enter")
                description = screen.query_one("#description", LimitedTextArea)
                description.focus()
                description.insert("x" * 3_000)
                await app.workers.wait_for_complete()
                fill_up(disk)
                await pilot.press("ctrl+s")
                await app.workers.wait_for_complete()
                await pilot.pause()
                shown = [str(n.message) for n in app._notifications]
                assert any("disque de la base de données est plein" in m for m in shown), shown
                assert not any("OperationalError" in m or "sqlalche" in m for m in shown), shown
                assert app.screen is screen and description.text == "x" * 3_000
            assert store.latest_requests() == []
        finally:
            store.close()
