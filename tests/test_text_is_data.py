"""Text is data on every screen: whatever the database holds, it is shown literally.

Names, addresses, descriptions, notes, answers, service names… may hold Rich/Textual markup
(`[bold]`, `[@click=app.quit]`, `[link=…]`), ANSI escape sequences (colour, window title, clear
screen), other control characters, tabs and newlines, emoji and right-to-left text — typed by
people, written by an older version, an import or `allo request add`. Each screen is opened with
the real app on such rows (written through the Store, or with plain SQL like an old or imported
row) and must show the markup as typed, show ESC as the visible "␛", send no control character
to the terminal, and keep running.

"What reaches the terminal" is read from the screen's compositor: the strips Textual writes.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from pilot_helpers import settle_thrice as settle
from textual import events
from textual.widgets import Input, TextArea

from allo_tui.app import AlloApp, BoardApp
from allo_tui.data.store import Store
from allo_tui.domain.errors import AlloError
from allo_tui.domain.records import NewCaller, NewRequest, RequestRecord, Role
from allo_tui.domain.workflow import Action
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.board import BoardScreen
from allo_tui.screens.caller_card import CallerCardScreen
from allo_tui.screens.caller_edit import CallerEditScreen
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.history import HistoryScreen
from allo_tui.screens.request_detail import RequestDetailScreen
from allo_tui.screens.request_view import FollowUpDialog, RequestViewScreen
from allo_tui.screens.restore_draft import RestoreDraftScreen
from allo_tui.screens.wall import WallScreen
from allo_tui.widgets.duplicates_panel import duplicate_prompt
from allo_tui.widgets.service_picker import ServicePicker

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


# -- what the terminal receives --------------------------------------------------------------


def painted(app) -> str:
    """The lines of the current screen as Textual paints them (header, toasts, dialogs too)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


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


def notifications(app) -> list[str]:
    return [notification.message for notification in app._notifications]


# -- a database full of hostile text ---------------------------------------------------------


def sql(db_path: Path, statement: str, *parameters) -> None:
    """Write like an old version or an import would: plain SQL, no checks."""
    connection = sqlite3.connect(db_path)
    try:
        connection.execute(statement, parameters)
        connection.commit()
    finally:
        connection.close()


@pytest.fixture
def hostess(store: Store, admin):
    """The app's operator: a supervisor with a plain name (the header is tested on its own)."""
    return store.add_operator("hostess", Role.SUPERVISOR, "Anne Hôtesse")


@pytest.fixture
def hostile(store: Store, db_path: Path, hostess, admin) -> RequestRecord:
    """An urgency-1 request whose every text field is hostile, with a note and a caller."""
    agent = store.add_operator("agent", Role.SUPERVISOR, AGENT_NAME)
    caller = store.create_caller(
        agent,
        NewCaller(
            surname=SURNAME,
            given_name=GIVEN_NAME,
            phones=("06 12 34 56 78", "\x1b[31m12"),
            email="[u]x@y.fr\x1b[0m",
            street=STREET,
            neighbourhood=NEIGHBOURHOOD,
            notes=NOTE,
        ),
    )
    category = store.find_category("DANGER")
    request = store.create_request(
        agent,
        NewRequest(
            category_id=category.id,
            description=DESCRIPTION,
            caller_id=caller.id,
            street=STREET,
            landmark=LANDMARK,
            neighbourhood=NEIGHBOURHOOD,
        ),
    )
    store.apply(agent, request.id, Action.NOTE, expected_version=1, text=NOTE)
    # Site-edited catalogue and an imported row: NUL and a C1 control only SQL would write.
    sql(db_path, "UPDATE services SET name = ? WHERE id = ?", SERVICE_NAME, request.service_id)
    sql(db_path, "UPDATE categories SET label = ? WHERE id = ?", CATEGORY_LABEL, category.id)
    sql(
        db_path,
        "UPDATE requests SET description = description || ? WHERE id = ?",
        "\x00\x85fin",
        request.id,
    )
    return store.get_request(request.id)


# -- the screens -----------------------------------------------------------------------------


async def test_history_list_and_its_chips_show_stored_text_literally(store, hostess, hostile):
    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert_literal(app, hostile.reference, "␛[31m[bold]Rue", "␛[2J[i]Da", "␛[31MDUPO")
        # A chip names the filter: a category, a service or a street typed by the user.
        category = next(c for c in screen._categories if c.id == hostile.category_id)
        service = next(s for s in screen._services if s.id == hostile.service_id)
        screen.set_filters(replace(screen.filters, category=category, service=service))
        await settle(app, pilot)
        assert_literal(app, "␛[2J[i]Danger ✕", "␛[31m[bold]Voirie ✕")
        screen.set_filters(replace(screen.filters, street="\x1b[31mRue\nrouge"))
        await settle(app, pilot)
        assert_literal(app, "␛[31mRue ⏎ rouge ✕")
        # A paste into the search box: its control characters never reach the box.
        search = screen.query_one("#history-filter", Input)
        search.post_message(events.Paste("\x1b[2J\x1b]0;t\x07Rue"))
        await settle(app, pilot)
        assert search.value == "[2J]0;tRue"
        assert_literal(app, "[2J]0;tRue")


async def test_request_detail_fields_timeline_and_links_show_stored_text_literally(
    store, hostess, hostile
):
    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 60), notifications=True) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        assert_literal(
            app,
            "par ␛[31m[bold]Agent (téléphone)",  # who took it
            "␛[31m[bold]Rue rouge ([@click=app.quit]␛[2Jici)",  # location and landmark
            "␛]0;piège␇Centre",  # neighbourhood
            "␛[31MDUPONT [bold]Zoé␛[2J",  # caller, and its link below
            "[link=https://evil.example]lien[/link]␛[31m rouge",  # description, line 1
            "ligne 2 🚧 שלום �envers�2J␀�fin",  # line 2: RTL, bidi override, NUL, C1
            "␛[2J[i]Danger",  # category
            "␛[31m[bold]Voirie",  # service
            "␛[2J[@click=app.quit]note",  # the note in the timeline
            "Demandeur : ␛[31MDUPONT",
        )


async def test_detail_dialogs_and_notifications_show_stored_text_literally(store, hostess, hostile):
    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.push_screen(RequestDetailScreen(hostile.id))
        await settle(app, pilot)
        detail = app.screen
        # Assign: the services, by their site-edited names.
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        assert_literal(app, "␛[31m[bold]Voirie")
        await pilot.press("escape")
        # Another console marks it done, with an answer holding ESC (shown with "␛" below).
        store.apply(
            store.get_operator("agent"), hostile.id, Action.DONE, expected_version=1, text=ANSWER
        )
        # Cancelling is refused (changed meanwhile): the message names who, shown literally;
        # the reason typed is offered as a note, with who changed what, shown literally too.
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPromptDialog)
        await pilot.press(*"doublon", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPromptDialog)
        assert_literal(app, "␛[31m[bold]Agent")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is detail
        assert any("␛[31m[bold]Agent" in message for message in notifications(app))
        assert_literal(app, "␛[31m[bold]Agent", "␛[31m[bold]réparé")


async def test_a_pasted_note_loses_its_control_characters_with_a_warning(store, hostess, hostile):
    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.push_screen(RequestDetailScreen(hostile.id))
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        area = app.screen.query_one("#dialog-text", TextArea)
        area.post_message(events.Paste("\x1b[31m[bold]collé\tici\n"))
        await settle(app, pilot)
        assert_literal(app, "caractère(s) de contrôle retiré(s)")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    # kept as pasted (its last line break too), less its control characters
    assert store.events(hostile.id)[-1].note == "[31m[bold]collé\tici\n"


async def test_board_rows_filter_assignment_and_arrivals_show_stored_text_literally(
    store, hostess, hostile, db_path, clock
):
    app = AlloApp(store=store, operator=hostess, console="test")
    app.bell = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        assert_literal(app, hostile.reference, "␛[2J[i]Danger", "␛[31m[bold]Rue", "␛[31m[bold]V")
        # Filter by service: the picker and the filter line name it.
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, ServicePicker)
        assert_literal(app, "␛[31m[bold]Voirie")
        app.screen.dismiss(hostile.service_id)
        await settle(app, pilot)
        assert_literal(app, "Filtre : ␛[31m[bold]Voirie")
        # Assign it: the confirmation names the service.
        await pilot.press("g")
        await settle(app, pilot)
        app.screen.dismiss(hostile.service_id)
        await settle(app, pilot)
        assert any("affectée à ␛[31m[bold]Voirie" in text for text in notifications(app))
        assert_literal(app, "affectée à ␛[31m[bold]Voirie")
        # An urgency-1 request arrives from another console: the toast every console shows.
        watch = app.requests_watch
        await asyncio.to_thread(watch.check)
        other = Store(db_path, clock=clock)
        try:
            arrival = other.create_request(
                hostess,
                NewRequest(
                    category_id=hostile.category_id,
                    description="plaque",
                    street="\x1b]0;t\x07Rue",
                    landmark=LANDMARK,
                ),
            )
        finally:
            other.close()
        await asyncio.to_thread(watch.check)
        await settle(app, pilot)
        assert any(arrival.reference in text for text in notifications(app))
        assert_literal(app, "␛]0;t␇Rue ([@click=app.quit]␛[2Jici)", "␛[2J[i]Danger")


async def test_wall_screen_shows_stored_text_literally(store, hostile):
    app = BoardApp(
        store=store,
        services=(hostile.service_id,),
        service_names={hostile.service_id: SERVICE_NAME},
    )
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WallScreen)
        assert_literal(app, hostile.reference, "␛[31m[bold]Voirie", "␛[2J[i]Danger")


async def test_caller_card_and_its_edit_form_show_stored_text_literally(store, hostess, hostile):
    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.push_screen(CallerCardScreen(hostile.caller_id))
        await settle(app, pilot)
        assert_literal(app, "␛[31MDUPONT [bold]Zoé␛[2J", "␛[2J[@click=app.quit]note", "● 2026-")
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, CallerEditScreen)
        # The text boxes cannot show an ESC literally: it is removed, and the form says so.
        assert app.screen.query_one("#surname", Input).value == "[31mDupont"
        assert app.screen.query_one("#notes", TextArea).text == "[2J[@click=app.quit]note\nsuite"
        assert_literal(app, "[bold]Zoé[2J", "caractère(s) de contrôle", "fiche de ␛[31MDUPONT")
        await pilot.press("escape")  # nothing typed: leaves without asking
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)


async def test_request_view_and_follow_up_show_stored_text_literally(store, hostess, hostile):
    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.push_screen(RequestViewScreen(hostile.id))
        await settle(app, pilot)
        assert_literal(app, "␛[31m[bold]Rue rouge", "␛[2J[@click=app.quit]note")
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, FollowUpDialog)
        field = app.screen.query_one("#follow-up-note", Input)
        field.post_message(events.Paste("\x1b[31mrappel\x1b[0m"))
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
    assert store.events(hostile.id)[-1].note.endswith("[31mrappel[0m")
    assert "\x1b" not in store.events(hostile.id)[-1].note


async def test_confirmation_and_restore_offer_show_stored_text_literally(store, hostess, hostile):
    from allo_tui.domain.records import DraftRecord

    app = AlloApp(store=store, operator=hostess, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.push_screen(ConfirmDialog("Supprimer « \x1b[31m[bold]x » ?", "\x1b]0;t\x07"))
        await settle(app, pilot)
        assert_literal(app, "Supprimer « ␛[31m[bold]x » ?", "␛]0;t␇")
        app.pop_screen()
        draft = DraftRecord(
            id=1,
            operator_id=hostess.id,
            console="\x1b[31mpc-accueil",
            fields={"name": SURNAME, "street": STREET, "description": DESCRIPTION},
            updated_at=hostile.created_at,
        )
        app.push_screen(RestoreDraftScreen(draft))
        await settle(app, pilot)
        assert_literal(app, "sur ␛[31mpc-accueil", "␛[31mDupont", "␛[31m[bold]Rue rouge")


async def test_errors_quoting_stored_text_are_shown_literally(store, hostess, hostile):
    app = AlloApp(store=store, operator=hostess, console="test")

    def failing_log_call(*args, **kwargs):
        raise AlloError("numéro \x1b[31m[bold]refusé\x1b]0;t\x07")

    store.log_call = failing_log_call  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        assert any("␛[31m[bold]refusé" in text for text in notifications(app))
        assert_literal(app, "␛[31m[bold]refusé␛]0;t␇")


def test_a_possible_duplicate_shows_an_imported_reference_literally(hostile):
    prompt = duplicate_prompt(replace(hostile, reference="\x1b[2J2026-1"))
    assert not CONTROL.search(prompt.plain.replace("\n", ""))
    assert "␛[2J2026-1" in prompt.plain


async def test_the_header_shows_an_operator_name_literally(store, admin):
    named = store.add_operator("named", Role.OPERATOR, "\x1b]0;titre\x07[bold]Anne\x1b[2J")
    app = AlloApp(store=store, operator=named, console="test")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert_literal(app, "␛]0;titre␇[bold]Anne␛[2J")


# -- the allo command ------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("ALLO_DB", raising=False)
    monkeypatch.setenv("ALLO_OPERATOR", "amelie")
    return tmp_path / "cli.sqlite3"


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
