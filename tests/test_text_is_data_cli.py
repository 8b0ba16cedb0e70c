"""Text is data in the allo command: `allo request add` removes control characters with a
warning, and the command echoes stored names literally (no control character written).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_text import (
    CONTROL,
)

# -- the allo command ------------------------------------------------------------------------


@pytest.fixture
def cli_env(isolated_home: Path) -> Path:
    """The database file the command is given, in an isolated home."""
    return isolated_home / "cli.sqlite3"


def allo(db: Path, *args: str):
    from allo_tui.cli import main

    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def test_request_add_removes_control_characters_with_a_warning(cli_env: Path):
    result = allo(
        cli_env,
        "request",
        "add",
        "--category",
        "VOIRIE",
        "--name",
        "\x1b[31mDUPONT Zoé",
        "--street",
        "Rue\x1b[2J du\nTemple",
        "--landmark",
        "[@click=app.quit]école\x07",
        "--description",
        "\x1b]0;titre\x07trou [bold]profond\tici\nligne 2",
    )
    assert result.exit_code == 0, result.output
    assert "caractère(s) de contrôle retiré(s) de --description" in result.stderr
    assert "--street tient sur une ligne" in result.stderr
    assert re.fullmatch(r"\d{4}-\d{5}\n", result.stdout)
    connection = sqlite3.connect(cli_env)
    try:
        row = connection.execute("SELECT description, street, landmark FROM requests").fetchone()
        names = connection.execute("SELECT surname, given_name FROM callers").fetchone()
    finally:
        connection.close()
    assert row == (
        "]0;titretrou [bold]profond\tici\nligne 2",
        "Rue[2J du Temple",
        "[@click=app.quit]école",
    )
    assert not any(CONTROL.search(value) for value in names)


def test_allo_echoes_stored_names_literally(cli_env: Path):
    assert allo(cli_env, "db", "init").exit_code == 0
    result = allo(cli_env, "operator", "add", "anne", "--name", "\x1b[31mAnne\x1b]0;t\x07")
    assert result.exit_code == 0, result.output
    assert "␛[31mAnne␛]0;t␇" in result.stdout
    listed = allo(cli_env, "operator", "list")
    assert "\x1b" not in listed.stdout and "␛[31mAnne" in listed.stdout
