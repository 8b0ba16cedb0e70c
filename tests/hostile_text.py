"""Hostile text for the "text is data" tests: one string per field holding markup, ANSI escape
sequences and other control characters, and the check that none of it reaches the terminal.

The request that holds them all is the `hostile` fixture in conftest.py."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from pilot_helpers import painted_lines

# What people (or other tools) typed, one hostile string per field. The dangerous part comes
# first so that it is on screen even in a narrow column.
STREET = "\x1b[31m[bold]Rue rouge"
LANDMARK = "[@click=app.quit]\x1b[2Jici"
NEIGHBOURHOOD = "\x1b]0;piège\x07Centre"
DESCRIPTION = (
    "[link=https://evil.example]lien[/link]\x1b[31m rouge\tfin\nligne 2 🚧 שלום \u202eenvers\x9b2J"
)
SURNAME = "\x1b[31mDupont"
GIVEN_NAME = "[bold]Zoé\x1b[2J"
NOTE = "\x1b[2J[@click=app.quit]note\nsuite"
ANSWER = "\x1b[31m[bold]réparé"
AGENT_NAME = "\x1b[31m[bold]Agent"
SERVICE_NAME = "\x1b[31m[bold]Voirie"
CATEGORY_LABEL = "\x1b[2J[i]Danger"
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Any C0 or C1 control character (tab and newline included: none belongs in a painted line)."""


def painted(app) -> str:
    """The lines of the current screen as Textual paints them (header, toasts, dialogs too)."""
    return "\n".join(painted_lines(app))


def assert_literal(app, *expected: str) -> str:
    """No control character reaches the terminal, `expected` texts are on screen, the app runs."""
    text = painted(app)
    leaked = sorted(
        {repr(character) for line in text.split("\n") for character in CONTROL.findall(line)}
    )
    assert not leaked, f"control characters painted: {leaked}"
    for wanted in expected:
        assert wanted in text, f"{wanted!r} not on screen"
    assert app.is_running and app.return_code is None
    return text


def sql(db_path: Path, statement: str, *parameters) -> None:
    """Write like an old version or an import would: plain SQL, no checks."""
    connection = sqlite3.connect(db_path)
    try:
        connection.execute(statement, parameters)
        connection.commit()
    finally:
        connection.close()
