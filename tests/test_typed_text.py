"""Text typed key by key is kept as typed: invisible characters included (DESIGN §7).

A joiner typed inside 👨‍👩‍👧 (an emoji picker, an input method), a zero-width space, a soft
hyphen, a direction override or a no-break space are not "printable" for Python, and
Textual's text boxes dropped them as they were typed, while the same text pasted was kept.
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from textual import events
from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult

from allo_tui.domain.sanitize import clean_text, typed_character
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput, TextCleaned

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

FAMILY = "👨\u200d👩\u200d👧"
INVISIBLE = [
    ("joined emoji", FAMILY),
    ("zero-width space", "a\u200bb"),
    ("soft hyphen", "anti\u00adconstitutionnel"),
    ("right-to-left override", "x\u202ey"),
    ("no-break space", "Rue\u00a0du\u00a0Temple"),
    ("narrow no-break space", "12\u202f:"),
    ("blanks at the ends", "  devant l'école "),
]


async def type_keys(app: App, pilot, text: str) -> None:
    """Type `text` key by key as a terminal sends it (Pilot's `press` loses the character of a
    key such as "zero_width_joiner"): each key event as Textual's terminal parser makes it."""
    for key in XTermParser().feed(text):
        assert isinstance(key, events.Key)
        app.post_message(events.Key(key.key, key.character))
        await pilot.pause()


class Boxes(App):
    def __init__(self) -> None:
        super().__init__()
        self.cleaned: list[TextCleaned] = []

    def compose(self) -> ComposeResult:
        yield SafeInput(id="line", max_length=200)
        yield LimitedTextArea(id="text", limit=4000)

    def on_text_cleaned(self, event: TextCleaned) -> None:
        self.cleaned.append(event)


@pytest.mark.parametrize(("typed", "text"), INVISIBLE, ids=[name for name, _ in INVISIBLE])
async def test_a_one_line_box_keeps_every_character_typed(typed, text):
    app = Boxes()
    async with app.run_test() as pilot:
        app.query_one("#line").focus()
        await type_keys(app, pilot, text)
        assert app.query_one("#line", SafeInput).value == text
        assert app.cleaned == []


@pytest.mark.parametrize(("typed", "text"), INVISIBLE, ids=[name for name, _ in INVISIBLE])
async def test_a_text_area_keeps_every_character_typed(typed, text):
    app = Boxes()
    async with app.run_test() as pilot:
        app.query_one("#text").focus()
        await type_keys(app, pilot, text.replace("\t", ""))  # Tab moves on in a text area
        assert app.query_one("#text", LimitedTextArea).text == text.replace("\t", "")


async def test_a_line_separator_typed_in_a_one_line_box_is_said():
    app = Boxes()
    async with app.run_test() as pilot:
        app.query_one("#line").focus()
        await type_keys(app, pilot, "ab\u2028c")
        assert app.query_one("#line", SafeInput).value == "abc"
        assert [event.cleaned.joined_lines for event in app.cleaned] == [1]


def test_keys_that_are_not_text_are_left_to_the_bindings():
    for key in ("\r", "\t", "\x1b", "\x7f", "\x01", None, "", "a", "é"):
        assert typed_character(key) is None
    assert typed_character("\u200d") == "\u200d"


def test_pasted_text_keeps_the_same_invisible_characters():
    for _name, text in INVISIBLE:
        cleaned = clean_text(text, multiline=False)
        assert cleaned.text == text
        assert not cleaned.changed


def test_request_add_stores_the_text_as_given_blanks_and_joiners_included(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    import sqlite3

    from click.testing import CliRunner

    from allo_tui.cli import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("ALLO_OPERATOR", "passerelle")
    db = tmp_path / "allo.sqlite3"
    description = f"\tTag {FAMILY} sur le mur\u00a0!\n"
    result = CliRunner().invoke(
        main,
        ["--db", str(db), "request", "add", "--category", "tags"]
        + ["--description", description, "--landmark", " devant l'école "],
    )

    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # nothing removed, nothing to say
    connection = sqlite3.connect(db)
    try:
        stored = connection.execute("SELECT description, landmark FROM requests").fetchall()
    finally:
        connection.close()
    assert stored == [(description, " devant l'école ")]


def test_request_add_says_when_it_trims_a_name_or_a_number(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    import sqlite3

    from click.testing import CliRunner

    from allo_tui.cli import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("ALLO_OPERATOR", "passerelle")
    db = tmp_path / "allo.sqlite3"
    result = CliRunner().invoke(
        main,
        ["--db", str(db), "request", "add", "--category", "tags", "--description", "tag"]
        + ["--name", "\tDUPONT Jean ", "--phone", " 03 86 99 01 99"],
    )

    assert result.exit_code == 0, result.output
    assert "blancs retirés en début ou fin de --name" in result.stderr
    assert "blancs retirés en début ou fin de --phone" in result.stderr
    connection = sqlite3.connect(db)
    try:
        stored = connection.execute("SELECT surname, given_name FROM callers").fetchall()
    finally:
        connection.close()
    assert stored == [("Dupont", "Jean")]
