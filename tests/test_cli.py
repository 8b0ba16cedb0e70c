"""The `allo` command as an administrator or a script uses it (click's CliRunner)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS

from allo_tui.cli import main

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


pytestmark = pytest.mark.usefixtures("isolated_home")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def rows(db: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_db_path_follows_the_documented_order(isolated_home: Path) -> None:
    default = isolated_home / "data" / "allo-tui" / "allo.sqlite3"
    assert run("db", "path").output.strip() == str(default)
    config = isolated_home / "config" / "allo-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'database = "{isolated_home / "from-config.sqlite3"}"\n')
    assert run("db", "path").output.strip() == str(isolated_home / "from-config.sqlite3")
    env = {"ALLO_DB": str(isolated_home / "from-env.sqlite3")}
    assert run("db", "path", env=env).output.strip() == str(isolated_home / "from-env.sqlite3")
    explicit = str(isolated_home / "explicit.sqlite3")
    assert run("--db", explicit, "db", "path", env=env).output.strip() == explicit
    assert run("db", "path", "--db", explicit, env=env).output.strip() == explicit


def test_demo_database_ignores_allo_db(isolated_home: Path) -> None:
    env = {"ALLO_DB": str(isolated_home / "real.sqlite3")}
    demo = isolated_home / "data" / "allo-tui" / "demo.sqlite3"
    assert run("--demo", "db", "path", env=env).output.strip() == str(demo)
    assert run("db", "path", "--demo", env=env).output.strip() == str(demo)


def test_db_init_creates_a_private_file_and_check_passes(isolated_home: Path) -> None:
    db = isolated_home / "new" / "allo.sqlite3"
    result = run("--db", str(db), "db", "init")
    assert result.exit_code == 0, result.output
    assert db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700
    check = run("--db", str(db), "db", "check")
    assert check.exit_code == 0, check.output
    assert "tout est en ordre" in check.output


def test_request_add_prints_the_reference_and_stores_the_request(isolated_home: Path) -> None:
    db = isolated_home / "allo.sqlite3"
    result = run(
        "--db",
        str(db),
        "request",
        "add",
        "--phone",
        "03 86 12 34 56",
        "--name",
        "ZÉBULON Éléonore",
        "--category",
        "voirie",
        "--street",
        "Rue du Temple",
        "--number",
        "12",
        "--description",
        "Nid-de-poule [bold]profond[/bold]",
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2026-00001" or result.output.strip().endswith("-00001")
    stored = rows(db, "SELECT reference, street, description, urgency, status FROM requests")
    assert stored == [
        (result.output.strip(), "Rue du Temple", "Nid-de-poule [bold]profond[/bold]", 3, "new")
    ]
    callers = rows(db, "SELECT surname, given_name FROM callers")
    assert callers == [("Zébulon", "Éléonore")]
    again = run(
        "--db",
        str(db),
        "request",
        "add",
        "--phone",
        "0386123456",
        "--category",
        "DANGER",
        "--description",
        "Plaque soulevée",
        "--urgency",
        "1",
    )
    assert again.exit_code == 0, again.output
    assert rows(db, "SELECT count(*) FROM callers") == [(1,)], "same number -> same caller"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--category", "nope", "--description", "x"), "catégorie inconnue"),
        (("--category", "voirie", "--description", "x", "--urgency", "7"), "urgence 7 invalide"),
        (("--category", "voirie", "--description", "   "), "description"),
    ],
)
def test_request_add_refuses_bad_input_and_writes_nothing(
    isolated_home: Path, args: tuple[str, ...], message: str
) -> None:
    db = isolated_home / "allo.sqlite3"
    assert run("--db", str(db), "db", "init").exit_code == 0
    result = CliRunner().invoke(main, ["--db", str(db), "request", "add", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert rows(db, "SELECT count(*) FROM requests") == [(0,)]


def test_unknown_operator_is_refused_with_how_to_add_it(isolated_home: Path) -> None:
    db = isolated_home / "allo.sqlite3"
    assert run("--db", str(db), "db", "init").exit_code == 0
    # the first login becomes admin
    assert run("--db", str(db), "--operator", "amelie", "operator", "add", "bruno").exit_code == 0
    listing = run("--db", str(db), "operator", "list").output
    assert "amelie\tadmin" in listing and "bruno\toperator" in listing
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(db),
            "--operator",
            "zorro",
            "request",
            "add",
            "--category",
            "voirie",
            "--description",
            "x",
        ],
    )
    assert result.exit_code == 2
    assert "opérateur inconnu" in result.output and "allo operator add zorro" in result.output
    assert rows(db, "SELECT count(*) FROM requests") == [(0,)]


def test_only_an_admin_adds_operators(isolated_home: Path) -> None:
    db = isolated_home / "allo.sqlite3"
    assert run("--db", str(db), "--operator", "amelie", "operator", "add", "bruno").exit_code == 0
    result = CliRunner().invoke(
        main, ["--db", str(db), "--operator", "bruno", "operator", "add", "carl"]
    )
    assert result.exit_code == 2
    assert "administrateur" in result.output


@pytest.mark.parametrize("kind", ["text", "directory", "foreign", "newer"])
def test_bad_database_files_are_refused_and_left_untouched(isolated_home: Path, kind: str) -> None:
    target = isolated_home / f"bad-{kind}"
    if kind == "text":
        target.write_text("hello, not a database\n")
    elif kind == "directory":
        target.mkdir()
    elif kind == "foreign":
        connection = sqlite3.connect(target)
        connection.execute("CREATE TABLE recipes (name TEXT)")
        connection.commit()
        connection.close()
    else:
        assert run("--db", str(target), "db", "init").exit_code == 0
        connection = sqlite3.connect(target)
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()
        connection.close()
    before = target.read_bytes() if target.is_file() else None
    for command in (
        ("db", "init"),
        ("db", "check"),
        ("request", "add", "--category", "voirie", "--description", "x"),
    ):
        result = CliRunner().invoke(main, ["--db", str(target), *command])
        assert result.exit_code == 2, (command, result.output)
        assert result.output.startswith("allo: ")
        assert len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    if before is not None:
        assert target.read_bytes() == before


def test_backup_writes_a_usable_copy(isolated_home: Path) -> None:
    db = isolated_home / "allo.sqlite3"
    assert (
        run(
            "--db", str(db), "request", "add", "--category", "voirie", "--description", "trou"
        ).exit_code
        == 0
    )
    copy = isolated_home / "copy.sqlite3"
    result = run("--db", str(db), "db", "backup", str(copy))
    assert result.exit_code == 0, result.output
    assert rows(copy, "SELECT description FROM requests") == [("trou",)]
    assert rows(copy, "PRAGMA integrity_check") == [("ok",)]


# -- hostile arguments and closed pipes -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("request", "add", "--category", "voirie", "--description", "caf\udce9"), "--description"),
        (("request", "add", "--category", "voirie", "--description=caf\udce9"), "--description"),
        (
            (
                "request",
                "add",
                "--name",
                "\udcc9lise",
                "--category",
                "voirie",
                "--description",
                "x",
            ),
            "--name",
        ),
        (("db", "backup", "copie-\udce9.sqlite3"), "l'argument « copie-\\xe9.sqlite3 »"),
    ],
)
def test_undecodable_bytes_are_refused_naming_the_option(
    isolated_home: Path, args: tuple[str, ...], named: str
) -> None:
    db = isolated_home / "allo.sqlite3"
    assert run("--db", str(db), "db", "init").exit_code == 0
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.startswith(f"allo: {named} : octets illisibles")
    assert len(result.output.strip().splitlines()) == 1
    assert rows(db, "SELECT count(*) FROM requests") == [(0,)]
    assert not any("copie" in p.name for p in isolated_home.iterdir())


def test_undecodable_bytes_from_a_real_shell_are_refused(isolated_home: Path) -> None:
    """The bytes as a shell passes them (`$(printf 'caf\\xe9')`), through a real process."""
    import os
    import subprocess
    import sys

    db = isolated_home / "allo.sqlite3"
    assert run("--db", str(db), "db", "init").exit_code == 0
    argv = [sys.executable, "-m", "allo_tui", "--db", str(db), "request", "add"]
    argv += ["--category", "voirie", "--description"]
    result = subprocess.run(
        [*(os.fsencode(a) for a in argv), b"caf\xe9"],
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().startswith("allo: --description : octets illisibles")
    assert rows(db, "SELECT count(*) FROM requests") == [(0,)]


def test_request_add_saves_and_exits_0_when_stdout_is_closed(isolated_home: Path) -> None:
    """`allo request add … | true`: the gateway must not retry a request that was saved."""
    import os
    import subprocess
    import sys

    db = isolated_home / "allo.sqlite3"
    assert run("--db", str(db), "db", "init").exit_code == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        result = subprocess.run(
            [sys.executable, "-m", "allo_tui", "--db", str(db), "request", "add"]
            + ["--category", "voirie", "--description", "lampadaire éteint"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    (reference,) = rows(db, "SELECT reference FROM requests")[0]
    assert reference in result.stderr
    assert rows(db, "SELECT description FROM requests") == [("lampadaire éteint",)]
