"""Text is data on every screen: whatever the database holds, it is shown literally.

Names, addresses, descriptions, notes, answers, service names… may hold Rich/Textual markup
(`[bold]`, `[@click=app.quit]`, `[link=…]`), ANSI escape sequences (colour, window title, clear
screen), other control characters, tabs and newlines, emoji and right-to-left text — typed by
people, written by an older version, an import or `allo request add`. Each screen is opened with
the real app on such rows (written through the Store, or with plain SQL like an old or imported
row) and must show the markup as typed, show ESC as the visible "␛", send no control character
to the terminal, and keep running.

"What reaches the terminal" is read from the screen's compositor: the strips Textual writes.

Here: the history list, the request detail and its dialogs, a pasted note, the board. Beside
it: test_text_is_data_screens (the other screens), test_text_is_data_cli (the allo command).
The hostile strings are in hostile_text.py, the `hostile` request a fixture in conftest.py.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from hostile_text import (
    ANSWER,
    LANDMARK,
    assert_literal,
)
from pilot_helpers import notifications
from pilot_helpers import settle_thrice as settle
from textual import events
from textual.widgets import Input, TextArea

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.records import NewRequest
from allo_tui.domain.workflow import Action
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.board import BoardScreen
from allo_tui.screens.history import HistoryScreen
from allo_tui.screens.request_detail import RequestDetailScreen
from allo_tui.widgets.service_picker import ServicePicker

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
            store.get_operator("agent"),
            hostile.id,
            Action.DONE,
            outcome_code="REPARE",
            expected_version=1,
            text=ANSWER,
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
