"""F2: typed text is data. Full-text search syntax typed in the box is plain text, and names or
queries holding markup or escape sequences show literally.
"""

from __future__ import annotations

from conftest import ALL_BACKENDS
from pilot_helpers import count_line, make_app, names, search_for, settle
from textual.widgets import Input, Static

from allo_tui.domain.records import NewCaller
from allo_tui.screens.lookup import LookupScreen

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- typed text is data -------------------------------------------------------------------------------

FTS_SYNTAX = ['"', "*", "-x", "(", ")", "NEAR(a b)", "AND", "OR", "NOT", "^", "'", "zéb*",
              '"zébulon', "zébulon -éléonore", "zébulon OR martin", "(zébulon", "^zéb",
              "names:zébulon", "{names}: x", "\\", "%", "[bold]", "[@click=app.quit]",
              "\x1b[31m"]  # fmt: skip


async def test_search_syntax_typed_in_the_box_is_plain_text(
    store, operator, directory, monkeypatch
) -> None:
    errors: list[Exception] = []
    monkeypatch.setattr(
        LookupScreen, "_show_error", lambda self, token, error: errors.append(error)
    )
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        for typed in FTS_SYNTAX:
            await search_for(app, pilot, "")
            app.screen.query_one("#query", Input).insert_text_at_cursor(typed)
            await settle(app, pilot)
            assert errors == [], f"typing {typed!r}"
            assert app.is_running, f"typing {typed!r}"
        # The meaning does not change either: '-' is no negation, OR is a word, * no wildcard.
        for typed, expected in [
            ("zébulon -éléonore", ["ZÉBULON Éléonore"]),
            ("zéb*", ["ZÉBULON Éléonore"]),
            ('"zébulon', ["ZÉBULON Éléonore"]),
            ("zébulon OR martin", []),
            ("NOT martin", []),
        ]:
            await search_for(app, pilot, "")
            app.screen.query_one("#query", Input).insert_text_at_cursor(typed)
            await settle(app, pilot)
            assert names(app) == expected, f"typing {typed!r}"


async def test_names_with_markup_and_escape_sequences_show_literally(store, operator) -> None:
    store.create_caller(
        operator, NewCaller(surname="[bold]Martin", given_name="[@click=app.quit]Paul")
    )
    store.create_caller(operator, NewCaller(surname="Rouge\x1b[31m", given_name="Léa"))
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "martin")
        assert names(app) == ["[BOLD]MARTIN [@click=app.quit]Paul"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running
        title = app.screen.query_one("#caller-name", Static).render()
        assert str(title) == "[BOLD]MARTIN [@click=app.quit]Paul"
        await pilot.press("escape")
        await search_for(app, pilot, "rouge")
        # The ESC character is shown as a symbol: it can no longer colour the terminal.
        assert names(app) == ["ROUGE␛[31M Léa"]


async def test_a_query_with_markup_shows_literally_when_nothing_is_found(store, operator) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#query", Input).insert_text_at_cursor("[red]x[/red]")
        await settle(app, pilot)
        assert "Aucun demandeur pour « [red]x[/red] »." in count_line(app)
