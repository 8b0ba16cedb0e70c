"""`allo db backup FILE` can never destroy a database: not the destination, not the source.

Each test runs the real command on real files and compares bytes before and after.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from small_disk import fill_up, small_disk

from allo_tui.cli import main

pytestmark = pytest.mark.usefixtures("isolated_home")


def allo(*args: str):
    return CliRunner().invoke(main, list(args))


def database_with(path: Path, count: int) -> Path:
    """An allo database holding `count` requests."""
    for index in range(count):
        result = allo(
            "--db",
            str(path),
            "request",
            "add",
            "--category",
            "voirie",
            "--description",
            f"n{index}",
        )
        assert result.exit_code == 0, result.output
    return path


def requests_in(path: Path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM requests").fetchone()[0]
    finally:
        connection.close()


def assert_one_line_refusal(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for word in words:
        assert word in result.output, result.output


def test_backup_refuses_an_existing_database_unless_forced(tmp_path: Path) -> None:
    source = database_with(tmp_path / "source.sqlite3", 2)
    other = database_with(tmp_path / "other.sqlite3", 4)
    before = other.read_bytes()

    refused = allo("--db", str(source), "db", "backup", str(other))

    assert_one_line_refusal(refused, "existe déjà", "--force")
    assert other.read_bytes() == before
    assert requests_in(other) == 4

    forced = allo("--db", str(source), "db", "backup", str(other), "--force")
    assert forced.exit_code == 0, forced.output
    assert requests_in(other) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if ".partial" in p.name) == []


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink", "hardlink"])
def test_backup_never_writes_onto_its_own_source(tmp_path: Path, spelling: str) -> None:
    source = database_with(tmp_path / "allo.sqlite3", 3)
    (tmp_path / "sub").mkdir()
    if spelling == "same":
        target = source
    elif spelling == "dotted":
        target = tmp_path / "sub" / ".." / "." / "allo.sqlite3"
    elif spelling == "symlink":
        target = tmp_path / "link.sqlite3"
        target.symlink_to(source)
    else:
        target = tmp_path / "hard.sqlite3"
        os.link(source, target)
    before = source.read_bytes()

    for extra in ((), ("--force",)):
        result = allo("--db", str(source), "db", "backup", str(target), *extra)
        assert_one_line_refusal(result, "la base elle-même")

    assert source.read_bytes() == before
    assert requests_in(source) == 3


def test_backup_refuses_a_file_that_is_not_a_database_even_when_forced(tmp_path: Path) -> None:
    source = database_with(tmp_path / "allo.sqlite3", 1)
    letter = tmp_path / "courrier.txt"
    letter.write_text("Madame, Monsieur,\n" * 50)
    before = letter.read_bytes()

    for extra in ((), ("--force",)):
        result = allo("--db", str(source), "db", "backup", str(letter), *extra)
        assert_one_line_refusal(result, "n'est pas une base de données")

    assert letter.read_bytes() == before


def test_backup_onto_a_full_disk_leaves_no_truncated_file(tmp_path: Path) -> None:
    source = database_with(tmp_path / "allo.sqlite3", 30)
    with small_disk(tmp_path / "usb", size_kib=2048) as disk:
        old = database_with(disk / "old-backup.sqlite3", 1)
        old_bytes = old.read_bytes()
        fill_up(disk)

        fresh = allo("--db", str(source), "db", "backup", str(disk / "new.sqlite3"))
        forced = allo("--db", str(source), "db", "backup", str(old), "--force")

        assert_one_line_refusal(fresh, "plein", "n'a pas été modifié")
        assert_one_line_refusal(forced, "plein", "n'a pas été modifié")
        assert not (disk / "new.sqlite3").exists()
        assert old.read_bytes() == old_bytes
        assert sorted(p.name for p in disk.iterdir()) == [
            "filler",
            "filler-tail",
            "old-backup.sqlite3",
        ]


def test_backup_over_a_file_size_limit_leaves_no_truncated_file(tmp_path: Path) -> None:
    """The same without root: `ulimit -f` in a subprocess makes every write past 64 kB fail."""
    source = database_with(tmp_path / "allo.sqlite3", 30)
    assert source.stat().st_size > 64 * 1024
    destination = tmp_path / "backup.sqlite3"
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))\n"
        "from allo_tui.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "--db", str(source), "db", "backup", str(destination)],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")},
        timeout=60,
    )

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("allo: sauvegarde impossible")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not destination.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup")] == []
    assert requests_in(source) == 30


def test_backup_refuses_an_empty_source_and_writes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()

    result = allo("--db", str(empty), "db", "backup", str(tmp_path / "copy.sqlite3"))

    assert_one_line_refusal(result, "vide")
    assert empty.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3") == ["empty.sqlite3"]
