"""F2 and the call in progress: typing starts the call, F10 ends it with the typed phone or the
caller the hostess moved to; postcodes, long and one-letter queries say what they found.
"""

from __future__ import annotations

from datetime import timedelta

from conftest import ALL_BACKENDS
from pilot_helpers import count_line, make_app, names, rows, search_for, settle
from textual.widgets import Input, Static

from allo_tui.domain.records import CallOutcome
from allo_tui.screens.caller_card import CallerCardScreen

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- the call in progress -----------------------------------------------------------------------------------


async def test_typing_starts_the_call_and_f10_ends_it_with_the_typed_phone(
    store, operator, directory, clock
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.call.started_at is None
        await search_for(app, pilot, "03 86 12 34 56")
        assert app.call.started_at == clock.now()
        clock.advance(seconds=40)
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("1")  # information given
        await settle(app, pilot)
        assert app.call.started_at is None
        assert app.screen.query_one("#query", Input).value == ""
    (call,) = store.calls()
    assert call.outcome is CallOutcome.INFORMATION
    assert call.phone == "03 86 12 34 56"
    assert call.caller_id == directory["zebulon"]
    assert call.ended_at - call.started_at == timedelta(seconds=40)


async def test_f10_logs_the_caller_the_hostess_moved_to_or_opened(
    store, operator, directory
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "mar")  # three callers: none is "the" caller yet
        await pilot.press("down")  # MARTIN Paul
        await pilot.press("f10", "1")
        await settle(app, pilot)
        await search_for(app, pilot, "mar")
        await pilot.press("enter")  # the card of the first, MARCHAND Zoé
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f10", "2")
        await settle(app, pilot)
    assert {(c.outcome, c.caller_id) for c in store.calls()} == {
        (CallOutcome.INFORMATION, directory["martin"]),
        (CallOutcome.TRANSFERRED, directory["marchand"]),
    }


async def test_f10_after_part_of_a_number_logs_the_number_of_the_caller_found(
    store, operator, directory
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "12 34 56")
        assert names(app) == ["ZÉBULON Éléonore"]
        await pilot.press("f10", "1")
        await settle(app, pilot)
    (call,) = store.calls()
    assert (call.caller_id, call.phone) == (directory["zebulon"], "03 86 12 34 56")


async def test_five_digits_alone_also_find_the_callers_of_that_postcode(
    store, operator, directory
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "89000")
        assert rows(app)[0][:3] == [
            "ZÉBULON Éléonore",
            "03 86 12 34 56",
            "12 rue du Temple, 89000 Auxerre",
        ]
        await search_for(app, pilot, "3456")  # digits of a number still find it
        assert names(app) == ["ZÉBULON Éléonore"]
        assert rows(app)[0][2] == "12 rue du Temple"


async def test_a_long_query_found_nowhere_still_shows_the_keys_line(store, operator) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await search_for(app, pilot, "rue du temple martin paul jean pierre jacques etienne")
        count = app.screen.query_one("#count", Static)
        shown = [count.render_line(y).text for y in range(2)]
        assert shown[0].strip().startswith("Aucun demandeur pour « rue du temple")
        assert shown[0].rstrip().endswith("…")
        assert shown[1].strip().startswith("Ctrl+N : nouveau demandeur")


async def test_a_single_letter_asks_for_more_instead_of_saying_nobody(
    store, operator, directory
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        for typed in ("m", "m z", "'", "03"):
            await search_for(app, pilot, typed)
            assert rows(app) == [], typed
            assert count_line(app).startswith("Continuez à taper"), typed
