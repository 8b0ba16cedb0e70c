"""The history screen (F4) driven through its keys on a real temp database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import chip_texts
from pilot_helpers import settle_thrice as settle
from textual.widgets import Button, Input, Static

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import NewCaller, NewRequest
from allo_tui.domain.workflow import Action
from allo_tui.screens import history_window
from allo_tui.screens.action_dialogs import ChoiceDialog, SearchChoiceDialog, TextPromptDialog
from allo_tui.screens.history import HistoryScreen, reference_in
from allo_tui.screens.request_detail import RequestDetailScreen
from allo_tui.widgets.history_table import HistoryTable, column_widths

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


def references(app) -> list[str]:
    return [request.reference for request in app.screen.query_one(HistoryTable).requests]


def count_text(app) -> str:
    return str(app.screen.query_one("#history-count", Static).render())


async def open_history(app, pilot) -> HistoryScreen:
    await pilot.press("f4")
    await settle(app, pilot)
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


def make(store: Store, who, code: str, description: str, **fields):
    category = store.find_category(code)
    return store.create_request(
        who, NewRequest(category_id=category.id, description=description, **fields)
    )


@pytest.fixture
def town(store: Store, operator, supervisor, clock: FixedClock) -> dict[str, int]:
    """Seven requests over two weeks: lamps on two streets, a pothole, a rejected sign."""
    caller = store.create_caller(operator, NewCaller(surname="Zébulon", given_name="Éléonore"))
    made: dict[str, int] = {}
    clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    made["old lamp"] = make(store, operator, "ECLAIRAGE", "Lampe", street="Rue du Temple").id
    clock.set(datetime(2026, 11, 19, 9, 0, tzinfo=UTC))
    made["lamp temple"] = make(
        store, operator, "ECLAIRAGE", "Lampadaire éteint", street="Rue du Temple"
    ).id
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    made["lamp other street"] = make(
        store, operator, "ECLAIRAGE", "Candélabre", street="Boulevard Vaulabelle"
    ).id
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    made["pothole"] = make(
        store, operator, "VOIRIE", "Nid-de-poule", street="Rue du Temple", caller_id=caller.id
    ).id
    clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    made["lamp done"] = make(
        store, operator, "ECLAIRAGE", "Lampe cassée", street="Rue du Temple"
    ).id
    store.apply(
        operator,
        made["lamp done"],
        Action.DONE,
        outcome_code="REPARE",
        expected_version=1,
        text="Changée",
    )
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    made["sign"] = make(store, operator, "SIGNAL", "Panneau [bold]tordu", street="Rue du Temple").id
    store.apply(
        supervisor,
        made["sign"],
        Action.REJECT,
        reason_code="NON_FONDE",
        expected_version=1,
        text="Non",
    )
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    made["lamp today"] = make(
        store, operator, "ECLAIRAGE", "Lampadaire clignote", street="Rue du Temple"
    ).id
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    return made


async def test_the_list_shows_the_newest_first_with_the_count(store, operator, town):
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_history(app, pilot)
        assert references(app) == [f"2026-{n:05d}" for n in range(7, 0, -1)]
        assert count_text(app) == "7 demande(s)"
        assert isinstance(app.focused, Input), "the filter box has the focus"


async def test_typing_searches_and_letters_stay_in_the_filter_box(store, operator, town):
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_history(app, pilot)
        await pilot.press(*"lampadaire")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen), "letters typed are text, not filter keys"
        assert app.screen.query_one("#history-filter", Input).value == "lampadaire"
        assert references(app) == ["2026-00007", "2026-00002"]
        app.screen.query_one("#history-filter", Input).value = "zebulon"
        await settle(app, pilot)
        assert references(app) == ["2026-00004"], "the caller's name, without accents"
        await pilot.press("escape")
        await settle(app, pilot)
        assert len(references(app)) == 7


async def test_last_weeks_open_lighting_requests_on_one_street_by_keys(store, operator, town):
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_history(app, pilot)
        await pilot.press("down")
        assert isinstance(app.focused, HistoryTable)
        await pilot.press("s")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("2")  # Ouvertes
        await settle(app, pilot)
        await pilot.press("c")
        assert isinstance(app.screen, SearchChoiceDialog)
        await pilot.press(*"eclai", "enter")
        await settle(app, pilot)
        await pilot.press("v")
        await pilot.press(*"temple")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("d", "3")  # 7 derniers jours
        await settle(app, pilot)
        assert references(app) == ["2026-00007", "2026-00002"]
        assert chip_texts(app) == [
            "Ouvertes ✕",
            "Éclairage public ✕",
            "Rue du Temple ✕",
            "7 derniers jours ✕",
        ]
        assert count_text(app) == "2 demande(s)"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        assert app.screen.request_id == town["lamp today"]


async def test_chips_clear_one_filter_at_a_time(store, operator, town):
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_history(app, pilot)
        await pilot.press("down", "s", "2")
        await settle(app, pilot)
        await pilot.press("t")  # late only
        await settle(app, pilot)
        assert references(app) == ["2026-00001"], "the lamp of 10 November is past its 10 days"
        chips = list(screen.query(".chip").results(Button))
        assert [str(chip.label) for chip in chips] == ["Ouvertes ✕", "En retard ✕"]
        chips[0].focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert chip_texts(app) == ["En retard ✕"]
        assert references(app) == ["2026-00001"]
        assert isinstance(app.focused, HistoryTable)
        await pilot.press("escape")  # clears every filter
        await settle(app, pilot)
        assert chip_texts(app) == []
        assert len(references(app)) == 7


async def test_a_typed_period_filters_and_a_bad_one_is_asked_again(store, operator, town):
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_history(app, pilot)
        await pilot.press("down", "d", "5")  # Autre période…
        assert isinstance(app.screen, TextPromptDialog)
        await pilot.press(*"31/11/2026", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPromptDialog), "an impossible date is asked again"
        field = app.screen.query_one("#dialog-text", Input)
        field.value = "du 20/11/2026 au 22/11/2026"
        await pilot.press("enter")
        await settle(app, pilot)
        assert references(app) == ["2026-00005", "2026-00004", "2026-00003"]
        assert chip_texts(app) == ["du 20/11/2026 au 22/11/2026 ✕"]


async def test_urgency_and_service_filters(store, operator, town):
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_history(app, pilot)
        await pilot.press("down", "u", "3")  # 2 — Urgente (the sign)
        await settle(app, pilot)
        assert references(app) == ["2026-00006"]
        await pilot.press("u", "1")  # — Tous —
        await settle(app, pilot)
        await pilot.press("e", *"voirie", "enter")
        await settle(app, pilot)
        assert references(app) == ["2026-00004"]


async def test_a_typed_reference_opens_that_request(store, operator, town):
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_history(app, pilot)
        await pilot.press(*"00004")
        await settle(app, pilot)
        assert "Entrée : ouvrir la demande 00004" in count_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        assert app.screen.request_id == town["pothole"]
        await pilot.press("escape")
        await settle(app, pilot)
        app.screen.query_one("#history-filter", Input).value = "2026-00099"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert any("Aucune demande 2026-00099" in n.message for n in app._notifications)


async def test_back_from_the_detail_the_row_shows_its_new_status(store, operator, town):
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_history(app, pilot)
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert app.screen.request_id == town["sign"]
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("down", "enter")  # the lamp done on 22 November
        await settle(app, pilot)
        await pilot.press("n", *"rappel", "ctrl+s")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        table = app.screen.query_one(HistoryTable)
        assert table.current.id == town["lamp done"], "the cursor stays on the same request"


@pytest.fixture
def small_windows(monkeypatch) -> None:
    """Windows of 8 rows, at most 16 kept: the edges are reached in a few keys."""
    monkeypatch.setattr(history_window, "WINDOW", 8)
    monkeypatch.setattr(history_window, "MAX_ROWS", 16)
    monkeypatch.setattr(history_window, "PREFETCH", 3)


@pytest.fixture
def many(store: Store, operator, clock: FixedClock, small_windows) -> int:
    """More requests than several windows hold."""
    category = store.categories()[0]
    total = 3 * history_window.WINDOW + 7
    start = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    for index in range(total):
        clock.set(start + timedelta(hours=index))
        store.create_request(operator, NewRequest(category_id=category.id, description=f"n{index}"))
    return total


async def test_scrolling_fetches_windows_seamlessly_and_home_end_jump(store, operator, many):
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_history(app, pilot)
        assert count_text(app) == f"{many} demande(s)"
        assert len(references(app)) == history_window.WINDOW
        await pilot.press("down")
        seen = [app.screen.query_one(HistoryTable).current.reference]
        for _ in range(many + 5):
            await pilot.press("down")
            await settle(app, pilot)
            seen.append(app.screen.query_one(HistoryTable).current.reference)
        ordered = [f"2026-{n:05d}" for n in range(many, 0, -1)]
        assert list(dict.fromkeys(seen)) == ordered, "every request once, in order"
        assert len(references(app)) <= 2 * history_window.WINDOW, "the table holds a window"
        await pilot.press("home")
        await settle(app, pilot)
        assert app.screen.query_one(HistoryTable).current.reference == ordered[0]
        await pilot.press("end")
        await settle(app, pilot)
        assert app.screen.query_one(HistoryTable).current.reference == ordered[-1]
        for _ in range(history_window.WINDOW + 3):
            await pilot.press("up")
            await settle(app, pilot)
        assert (
            app.screen.query_one(HistoryTable).current.reference
            == ordered[-(history_window.WINDOW + 4)]
        ), "going up from the oldest loads the newer rows above"
        await pilot.press("pageup")
        await settle(app, pilot)
        assert isinstance(app.focused, HistoryTable)


def test_references_are_recognised_in_the_filter_box():
    assert reference_in("2026-00042") == "2026-00042"
    assert reference_in(" 00042 ") == "00042"
    assert reference_in("2026 / 123456") == "2026 / 123456"
    assert reference_in("42") is None
    assert reference_in("lampadaire 2026-00042") is None


@pytest.mark.parametrize("width", [80, 100, 120, 160])
def test_columns_fit_the_terminal(width):
    widths = column_widths(width)
    assert sum(widths.values()) + 2 * len(widths) + 2 <= width
    assert list(widths)[:6] == ["N°", "Date", "Urg.", "Statut", "Catégorie", "Lieu"]


def test_narrow_terminals_drop_the_service_then_the_caller():
    assert "Service" in column_widths(120) and "Demandeur" in column_widths(120)
    assert "Service" not in column_widths(100) and "Demandeur" in column_widths(100)
    assert "Demandeur" not in column_widths(80)
